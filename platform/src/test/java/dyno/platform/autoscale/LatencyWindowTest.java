package dyno.platform.autoscale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

class LatencyWindowTest {
    private static Histogram micros(long... values) {
        Histogram h = new Histogram(3_600_000_000L, 2);
        for (long v : values) {
            h.recordValue(v);
        }
        return h;
    }

    @Test
    void p95IsWithinFivePercentAndCountsEveryRequest() {
        LatencyWindow w = new LatencyWindow(600_000);
        long[] values = new long[1000];
        for (int i = 0; i < values.length; i++) {
            values[i] = (i + 1) * 1000L; // 1..1000 ms
        }
        w.record(1_000_000, micros(values));
        LatencyWindow.Stats s = w.since(0);
        assertThat(s.requests()).isEqualTo(1000);
        assertThat(s.p95Millis()).isCloseTo(950, within(950 * 0.06));
    }

    @Test
    void aWindowSeesOnlyItsSlicesAndOldOnesAreDropped() {
        LatencyWindow w = new LatencyWindow(60_000); // slices of 1 s
        w.record(10_000, micros(900_000, 900_000));
        w.record(50_000, micros(10_000));
        assertThat(w.since(40_000).requests()).isEqualTo(1);
        assertThat(w.since(40_000).p95Millis()).isCloseTo(10, within(0.6));
        assertThat(w.since(0).requests()).isEqualTo(3);
        w.record(200_000, micros(5_000));
        assertThat(w.since(0).requests()).as("older than the window plus a slice: gone").isEqualTo(1);
        assertThat(new LatencyWindow(60_000).since(0)).isEqualTo(new LatencyWindow.Stats(0, 0));
    }
}
