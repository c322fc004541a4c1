package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void firstRestartIsImmediateThenDoublesUpToTheCap() {
        Backoff b = Backoff.DEFAULT;
        assertThat(b.delayFor(0)).isZero();
        assertThat(b.delayFor(1)).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.delayFor(2)).isEqualTo(Duration.ofSeconds(2));
        assertThat(b.delayFor(3)).isEqualTo(Duration.ofSeconds(4));
        assertThat(b.delayFor(4)).isEqualTo(Duration.ofSeconds(8));
        assertThat(b.delayFor(9)).isEqualTo(Duration.ofSeconds(256));
        assertThat(b.delayFor(10)).isEqualTo(Duration.ofMinutes(5));
        assertThat(b.delayFor(100)).isEqualTo(Duration.ofMinutes(5));
        assertThat(b.delayFor(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void neverOverflowsPastTheCap() {
        Backoff huge = new Backoff(Duration.ofMillis(1L << 40), Duration.ofMillis(Long.MAX_VALUE));
        for (int attempt = 1; attempt < 64; attempt++) {
            assertThat(huge.delayFor(attempt)).as("attempt %d", attempt).isGreaterThanOrEqualTo(huge.base());
        }
    }

    @Test
    void smallSettingsForTests() {
        Backoff b = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertThat(b.delayFor(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(b.delayFor(4)).isEqualTo(Duration.ofMillis(800));
        assertThat(b.delayFor(5)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void capBelowBaseIsRefused() {
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(-1), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
