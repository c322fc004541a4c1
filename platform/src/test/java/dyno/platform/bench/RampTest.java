package dyno.platform.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RampTest {
    @Test
    void requestsAreDueAsTheRateRisesLinearly() {
        Ramp ramp = Ramp.parse("10:30", Duration.ofSeconds(10)); // 10 x 10 + 20 x 10 / 2 = 200 requests
        assertThat(ramp.dueNanos(0)).isZero();
        assertThat(ramp.dueNanos(200) / 1e9).isCloseTo(10, within(1e-6));
        assertThat(ramp.dueNanos(10) / 1e9).isCloseTo(0.9161, within(0.001)); // 10 t + t^2 = 10
        assertThat(ramp.rateAt(5)).isEqualTo(20);
        assertThat(ramp.rateAt(99)).isEqualTo(30);
        Ramp flat = Ramp.parse("10:10", Duration.ofSeconds(10));
        assertThat(flat.dueNanos(25) / 1e9).isCloseTo(2.5, within(1e-9));
    }

    @Test
    void badRampsNameTheFlag() {
        assertThatThrownBy(() -> Ramp.parse("10", Duration.ofSeconds(5))).hasMessageContaining("--ramp: '10'");
        assertThatThrownBy(() -> Ramp.parse("0:10", Duration.ofSeconds(5))).hasMessageContaining("--ramp:");
        assertThatThrownBy(() -> Ramp.parse("a:b", Duration.ofSeconds(5))).hasMessageContaining("FROM:TO");
    }

    @Test
    void theReportDrawsRatesP95AndDynos() {
        String html = Ramp.html("app", "/work", List.of(new Ramp.Point(1, 10, 9, 12.5, 20, 0, 1),
                new Ramp.Point(2, 20, 19, 80, 95, 0, 2)));
        assertThat(html).contains("id=\"ramp-rate\"").contains("id=\"ramp-p95\"").contains("id=\"ramp-dynos\"")
                .contains("web dynos 2s: 2");
    }
}
