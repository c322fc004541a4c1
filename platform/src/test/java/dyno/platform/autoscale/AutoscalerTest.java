package dyno.platform.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The decision rule on a fake clock and fake response times. */
class AutoscalerTest {
    private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
    private static final AutoscalePolicy POLICY = new AutoscalePolicy(true, 1, 3, Duration.ofMillis(300),
            Duration.ofMinutes(10), Duration.ofMinutes(1));

    private final Autoscaler autoscaler = new Autoscaler();

    private static Autoscaler.Window p95(double millis, long requests) {
        return from -> new LatencyWindow.Stats(requests, millis);
    }

    @Test
    void addsOneDynoWhenP95IsAboveTheTargetThenWaitsTheCooldown() {
        AutoscaleDecision up = autoscaler.decide(POLICY, 1, T0, p95(450, 500));
        assertThat(up.from()).isEqualTo(1);
        assertThat(up.to()).isEqualTo(2);
        assertThat(up.reason()).startsWith("p95 450ms > 300ms (500 requests over the last 10m)");
        assertThat(up.logfmt()).isEqualTo("at=info type=web from=1 to=2 reason=\"" + up.reason() + "\"");
        assertThat(autoscaler.decide(POLICY, 2, T0.plusSeconds(59), p95(450, 500)).scales()).as("cooling down").isFalse();
        assertThat(autoscaler.decide(POLICY, 2, T0.plusSeconds(60), p95(450, 500)).to()).isEqualTo(3);
    }

    @Test
    void neverGoesAboveMaxAndSaysSoOnce() {
        AutoscaleDecision atMax = autoscaler.decide(POLICY, 3, T0, p95(900, 500));
        assertThat(atMax.scales()).isFalse();
        assertThat(atMax.notable()).isTrue();
        assertThat(atMax.reason()).isEqualTo("p95 900ms > 300ms but at the upper limit 3");
        assertThat(autoscaler.decide(POLICY, 3, T0.plusSeconds(5), p95(900, 500)).notable()).isFalse();
    }

    @Test
    void scalesDownLessEagerlyThanUp() {
        autoscaler.decide(POLICY, 2, T0, p95(450, 500)); // up to 3 at T0
        // a minute later p95 is fine, but a scale-down needs two cooldowns
        assertThat(autoscaler.decide(POLICY, 3, T0.plusSeconds(60), p95(50, 500)).scales()).isFalse();
        // 200ms x 3/2 = 300ms: one dyno fewer would miss 75% of the target; stay
        assertThat(autoscaler.decide(POLICY, 3, T0.plusSeconds(120), p95(200, 500)).scales()).isFalse();
        AutoscaleDecision down = autoscaler.decide(POLICY, 3, T0.plusSeconds(120), p95(100, 500));
        assertThat(down.to()).isEqualTo(2);
        assertThat(down.reason()).startsWith("p95 100ms, about 150ms with one dyno fewer, < 225ms (75% of 300ms)");
    }

    @Test
    void justEnabledItRemovesNoDynoBeforeAWholeWindowWasWatchedButStillAddsOne() {
        autoscaler.watchFrom(T0);
        // an empty window right after enabling is not "no requests": the dynos may be busy
        assertThat(autoscaler.decide(POLICY, 3, T0.plusSeconds(1), p95(0, 0)).scales()).isFalse();
        assertThat(autoscaler.decide(POLICY, 3, T0.plusSeconds(599), p95(10, 500)).scales()).isFalse();
        assertThat(autoscaler.decide(POLICY, 2, T0.plusSeconds(2), p95(900, 500)).to()).isEqualTo(3);
        Autoscaler idle = new Autoscaler();
        idle.watchFrom(T0);
        assertThat(idle.decide(POLICY, 3, T0.plusSeconds(600), p95(0, 0)).to()).as("a whole window, empty").isEqualTo(2);
    }

    @Test
    void withoutRequestsItReturnsToMinOneStepAtATime() {
        AutoscaleDecision first = autoscaler.decide(POLICY, 3, T0, p95(0, 0));
        assertThat(first.to()).isEqualTo(2);
        assertThat(first.reason()).startsWith("no requests");
        assertThat(autoscaler.decide(POLICY, 2, T0.plusSeconds(60), p95(0, 0)).scales()).isFalse();
        assertThat(autoscaler.decide(POLICY, 2, T0.plusSeconds(120), p95(0, 0)).to()).isEqualTo(1);
        assertThat(autoscaler.decide(POLICY, 1, T0.plusSeconds(600), p95(0, 0)).scales()).as("never below min").isFalse();
    }

    @Test
    void aQuantityOutsideTheRangeIsBroughtBackAtOnce() {
        assertThat(autoscaler.decide(POLICY, 0, T0, p95(0, 0)).to()).isEqualTo(1);
        assertThat(autoscaler.decide(POLICY, 7, T0.plusSeconds(1), p95(900, 500)).to()).isEqualTo(3);
    }

    @Test
    void tooFewRequestsAreNoReasonToScaleUp() {
        assertThat(autoscaler.decide(POLICY, 1, T0, p95(5000, Autoscaler.MIN_REQUESTS - 1)).scales()).isFalse();
    }

    @Test
    void looksOnlyAtResponseTimesSinceTheLastEvent() {
        autoscaler.decide(POLICY, 1, T0, p95(450, 500));
        Instant[] asked = new Instant[1];
        autoscaler.decide(POLICY, 2, T0.plusSeconds(90), from -> {
            asked[0] = from;
            return new LatencyWindow.Stats(100, 100);
        });
        assertThat(asked[0]).isEqualTo(T0);
        Autoscaler fresh = new Autoscaler();
        fresh.decide(POLICY, 2, T0.plusSeconds(9000), from -> {
            asked[0] = from;
            return new LatencyWindow.Stats(100, 100);
        });
        assertThat(asked[0]).isEqualTo(T0.plusSeconds(9000).minus(Duration.ofMinutes(10)));
    }

    @Test
    void anInactivePolicyDoesNothing() {
        assertThat(autoscaler.decide(POLICY.active(false), 0, T0, p95(900, 500)).scales()).isFalse();
    }

    @Test
    void policiesAreChecked() {
        assertThatThrownBy(() -> new AutoscalePolicy(true, 0, 3, Duration.ofMillis(300), Duration.ofHours(1),
                Duration.ofMinutes(1))).hasMessage("min: 0 (expected: 1..100; Heroku's minimum is 1)");
        assertThatThrownBy(() -> new AutoscalePolicy(true, 4, 3, Duration.ofMillis(300), Duration.ofHours(1),
                Duration.ofMinutes(1))).hasMessage("max: 3 (expected: 4..100, at least min)");
        assertThatThrownBy(() -> new AutoscalePolicy(true, 1, 3, Duration.ofMillis(300), Duration.ofHours(2),
                Duration.ofMinutes(1))).hasMessage("window: 7200000ms (expected: 1s to 1h)");
    }
}
