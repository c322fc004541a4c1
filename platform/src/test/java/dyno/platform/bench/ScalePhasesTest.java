package dyno.platform.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class ScalePhasesTest {
    private static Histogram of(long... micros) {
        Histogram h = new Histogram(3_600_000_000L, 2);
        for (long m : micros) {
            h.recordValue(m);
        }
        return h;
    }

    private static Ramp.Point second(int s, int dynos, long errors) {
        return new Ramp.Point(s, 10, 10, 0, 0, errors, dynos);
    }

    @Test
    void secondsUpToTheScaleAreBeforeThenScalingUntilEveryNewDynoIsUpThenAfterToTheEnd() {
        ScalePhases phases = new ScalePhases(1, 3, 2);
        phases.add(second(1, 1, 0), of(10_000, 10_000));
        phases.add(second(2, 1, 0), of(12_000));
        phases.add(second(3, 1, 1), of(20_000));
        phases.add(second(4, 2, 0), of(30_000));
        phases.add(second(5, 3, 0), of(400_000, 5_000)); // the new dynos' first, cold requests
        phases.add(second(6, 2, 2), of(6_000)); // a dyno crashed: still after, never back to scaling
        List<ScalePhases.Phase> p = phases.phases();
        assertThat(p).extracting(ScalePhases.Phase::name).containsExactly("before", "scaling", "after");
        assertThat(p.get(0)).extracting(ScalePhases.Phase::firstSecond, ScalePhases.Phase::lastSecond,
                ScalePhases.Phase::requests, ScalePhases.Phase::errors).containsExactly(1, 2, 3L, 0L);
        assertThat(p.get(1)).extracting(ScalePhases.Phase::firstSecond, ScalePhases.Phase::lastSecond,
                ScalePhases.Phase::requests, ScalePhases.Phase::errors).containsExactly(3, 4, 2L, 1L);
        assertThat(p.get(2)).extracting(ScalePhases.Phase::firstSecond, ScalePhases.Phase::lastSecond,
                ScalePhases.Phase::requests, ScalePhases.Phase::errors).containsExactly(5, 6, 3L, 2L);
        assertThat(p.get(2).maxMs()).isBetween(398.0, 402.0);
        assertThat(p.get(0).p99Ms()).isBetween(11.9, 12.1);
        assertThat(phases.table()).contains("web 1 -> 3 at 2s").contains("after        5-6         3");
    }

    @Test
    void aPhaseWithNoSecondsHasNoRequestsAndShowsADash() {
        ScalePhases phases = new ScalePhases(2, 4, 5);
        phases.add(second(1, 2, 0), of(1_000));
        List<ScalePhases.Phase> p = phases.phases();
        assertThat(p.get(1).requests()).isZero();
        assertThat(p.get(2).firstSecond()).isZero();
        assertThat(phases.table()).contains("scaling        -         0");
    }
}
