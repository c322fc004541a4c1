package dyno.platform.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The last few minutes of traffic, one point per sample: requests/s, p50/p95/p99 service time and
 * router errors/s by H-code. Fed by one sampler thread; read by any.
 */
public final class TrafficHistory {
    /** One sample. Percentiles are null when no request reached a dyno in the interval. */
    public record Point(long epochMillis, double requestsPerSecond, Double p50Ms, Double p95Ms, Double p99Ms,
                        Map<String, Double> errorsPerSecond) {
    }

    private final int capacity;
    private final ArrayDeque<Point> points = new ArrayDeque<>();
    private long lastAt;
    private long lastRequests;
    private Map<String, Long> lastErrors = Map.of();

    public TrafficHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /**
     * Adds the point for the interval since the previous sample from cumulative counts; the first
     * call only sets the baseline.
     */
    public synchronized void sample(long epochMillis, long totalRequests, Map<String, Long> totalErrors,
                                    Histogram serviceMicros) {
        if (lastAt != 0 && epochMillis > lastAt) {
            double seconds = (epochMillis - lastAt) / 1000.0;
            Map<String, Double> errors = new HashMap<>();
            totalErrors.forEach((code, n) -> {
                long delta = n - lastErrors.getOrDefault(code, 0L);
                if (delta > 0) {
                    errors.put(code, delta / seconds);
                }
            });
            boolean any = serviceMicros.getTotalCount() > 0;
            points.addLast(new Point(epochMillis, Math.max(0, totalRequests - lastRequests) / seconds,
                    any ? ms(serviceMicros, 50) : null, any ? ms(serviceMicros, 95) : null,
                    any ? ms(serviceMicros, 99) : null, Map.copyOf(errors)));
            while (points.size() > capacity) {
                points.removeFirst();
            }
        }
        lastAt = epochMillis;
        lastRequests = totalRequests;
        lastErrors = Map.copyOf(totalErrors);
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The points, oldest first. */
    public synchronized List<Point> points() {
        return new ArrayList<>(points);
    }
}
