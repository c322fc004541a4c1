package dyno.platform.autoscale;

import java.util.ArrayDeque;
import java.util.Deque;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * Response times of the last window in slices (a sixtieth of the window, 1 to 10 seconds), each a log-scale histogram (bins 5% wide,
 * 1 us to 10 min), so the p95 of any window since any instant is a merge of a few hundred small
 * arrays. Fed once a second with the router's interval histogram. Thread-safe.
 */
public final class LatencyWindow {
    private static final double GROWTH = 1.05;
    private static final int BINS = bin(600_000_000L) + 1;

    private final long retainMillis;
    private final long sliceMillis;
    private final Deque<Slice> slices = new ArrayDeque<>();

    /** @param retainMillis how much history to keep (the window asked for) */
    public LatencyWindow(long retainMillis) {
        this.retainMillis = retainMillis;
        this.sliceMillis = Math.max(1000, Math.min(10_000, retainMillis / 60 / 1000 * 1000));
    }

    private static final class Slice {
        final long start;
        final long[] counts = new long[BINS];
        long total;

        Slice(long start) {
            this.start = start;
        }
    }

    /** The p95 and request count of a window. */
    public record Stats(long requests, double p95Millis) {
    }

    private static int bin(long micros) {
        return micros <= 1 ? 0 : (int) Math.ceil(Math.log(micros) / Math.log(GROWTH));
    }

    /** The upper bound of a bin, in microseconds. */
    private static double upper(int bin) {
        return Math.pow(GROWTH, bin);
    }

    /** Adds the service times (microseconds) recorded in the second that ended at {@code epochMillis}. */
    public synchronized void record(long epochMillis, Histogram micros) {
        if (micros.getTotalCount() == 0) {
            return;
        }
        long start = epochMillis - Math.floorMod(epochMillis, sliceMillis);
        Slice s = slices.peekLast();
        if (s == null || s.start != start) {
            s = new Slice(start);
            slices.addLast(s);
        }
        for (HistogramIterationValue v : micros.recordedValues()) {
            s.counts[Math.min(BINS - 1, bin(v.getValueIteratedTo()))] += v.getCountAtValueIteratedTo();
            s.total += v.getCountAtValueIteratedTo();
        }
        while (!slices.isEmpty() && slices.peekFirst().start < epochMillis - retainMillis - sliceMillis) {
            slices.removeFirst();
        }
    }

    /** Requests and p95 of the slices that began at or after {@code fromMillis} (p95 0 without requests). */
    public synchronized Stats since(long fromMillis) {
        long[] sum = new long[BINS];
        long total = 0;
        for (Slice s : slices) {
            if (s.start + sliceMillis > fromMillis) {
                for (int i = 0; i < BINS; i++) {
                    sum[i] += s.counts[i];
                }
                total += s.total;
            }
        }
        if (total == 0) {
            return new Stats(0, 0);
        }
        long rank = (long) Math.ceil(total * 0.95);
        long seen = 0;
        for (int i = 0; i < BINS; i++) {
            seen += sum[i];
            if (seen >= rank) {
                return new Stats(total, upper(i) / 1000.0);
            }
        }
        return new Stats(total, upper(BINS - 1) / 1000.0);
    }
}
