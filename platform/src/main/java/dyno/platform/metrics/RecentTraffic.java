package dyno.platform.metrics;

import java.util.ArrayDeque;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.IntCountsHistogram;

/**
 * One dyno's last few samples (requests and service times), for its requests/s and a p95 that does not
 * jump with each second's few requests. Sampling thread only (under {@link TrafficHistory}'s lock).
 */
final class RecentTraffic {
    private record Slice(long epochMillis, double seconds, long requests, IntCountsHistogram micros) {
    }

    private final long spanMillis;
    private final ArrayDeque<Slice> slices = new ArrayDeque<>();
    /** Of the kept samples, computed once per {@link #add} (each poll of the dashboard reads it). */
    private Double p95Ms;

    /** @param spanMillis how far back {@link #p95Ms} and {@link #requestsPerSecond} look */
    RecentTraffic(long spanMillis) {
        this.spanMillis = spanMillis;
    }

    /**
     * Adds the sample ending at {@code epochMillis}: {@code requests} over {@code seconds}, with their
     * service times in microseconds ({@code micros} is copied, null or empty when none reached the dyno).
     */
    void add(long epochMillis, double seconds, long requests, Histogram micros) {
        IntCountsHistogram copy = null;
        if (micros != null && micros.getTotalCount() > 0) {
            copy = new IntCountsHistogram(micros.getHighestTrackableValue(), micros.getNumberOfSignificantValueDigits());
            copy.add(micros);
        }
        slices.addLast(new Slice(epochMillis, seconds, requests, copy));
        while (slices.peekFirst().epochMillis() <= epochMillis - spanMillis) {
            slices.removeFirst();
        }
        p95Ms = p95();
    }

    /** Requests per second over the kept samples; 0 before any. */
    double requestsPerSecond() {
        double seconds = 0;
        long requests = 0;
        for (Slice s : slices) {
            seconds += s.seconds();
            requests += s.requests();
        }
        return seconds > 0 ? requests / seconds : 0;
    }

    /** The p95 service time of the kept samples in ms; null when no request reached the dyno in them. */
    Double p95Ms() {
        return p95Ms;
    }

    private Double p95() {
        IntCountsHistogram sum = null;
        for (Slice s : slices) {
            if (s.micros() != null) {
                if (sum == null) {
                    sum = new IntCountsHistogram(s.micros().getHighestTrackableValue(),
                            s.micros().getNumberOfSignificantValueDigits());
                }
                sum.add(s.micros());
            }
        }
        return sum == null ? null : sum.getValueAtPercentile(95) / 1000.0;
    }
}
