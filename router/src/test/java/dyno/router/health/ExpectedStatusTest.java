package dyno.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ExpectedStatusTest {
    @Test
    void rangesAndSingleCodesMatchInclusively() {
        ExpectedStatus s = ExpectedStatus.parse("200,204, 300-302");
        assertThat(s.matches(200)).isTrue();
        assertThat(s.matches(201)).isFalse();
        assertThat(s.matches(204)).isTrue();
        assertThat(s.matches(300)).isTrue();
        assertThat(s.matches(302)).isTrue();
        assertThat(s.matches(303)).isFalse();
        assertThat(s).hasToString("200,204,300-302");
    }

    @Test
    void theDefaultIsAnyStatusBelow500() {
        assertThat(ExpectedStatus.BELOW_500.matches(404)).isTrue();
        assertThat(ExpectedStatus.BELOW_500.matches(499)).isTrue();
        assertThat(ExpectedStatus.BELOW_500.matches(500)).isFalse();
        assertThat(ExpectedStatus.parse("200-399")).isEqualTo(ExpectedStatus.parse("200-399"));
    }

    @Test
    void rejectsCodesOutside100To599AndBackwardsRanges() {
        for (String bad : new String[] {"", "99", "600", "399-200", "2xx", "200,", "200-", "-200", "200--300", "2000"}) {
            assertThatThrownBy(() -> ExpectedStatus.parse(bad)).as(bad)
                    .hasMessage("'" + bad + "' (expected: status codes or ranges from 100 to 599,"
                            + " such as 200-399 or 200,204,300-302)");
        }
    }
}
