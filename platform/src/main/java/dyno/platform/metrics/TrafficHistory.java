package dyno.platform.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The last few minutes of traffic, one point per sample: requests/s, p50/p95/p99 service time,
 * router errors/s by H-code, requests queued at the router, and each dyno's requests/s and p95.
 * Fed by one sampler thread; read by any.
 */
public final class TrafficHistory {
    /** How far back a dyno's p95 looks: a second's few requests would make it jump. */
    public static final long RECENT_MILLIS = 10_000;

    /**
     * One sample. Percentiles are null when no request reached a dyno in the interval; {@code dynos}
     * holds the dynos registered with the router at the sample, by name.
     */
    public record Point(long epochMillis, double requestsPerSecond, Double p50Ms, Double p95Ms, Double p99Ms,
                        Map<String, Double> errorsPerSecond, int queued, Map<String, DynoTraffic> dynos) {
    }

    /**
     * One dyno's traffic: requests/s (over the sample's interval in a {@link Point}, over the last
     * {@link #RECENT_MILLIS} in {@link #recent()}) and the p95 service time of the last
     * {@link #RECENT_MILLIS}, null when no request reached it then.
     */
    public record DynoTraffic(double requestsPerSecond, Double p95Ms) {
    }

    /**
     * What the sampler reads of one dyno: requests answered so far, and the service times since the
     * previous sample in microseconds (null when none).
     */
    public record DynoSample(long totalRequests, Histogram serviceMicros) {
    }

    private final int capacity;
    private final ArrayDeque<Point> points = new ArrayDeque<>();
    private long lastAt;
    private long lastRequests;
    private Map<String, Long> lastErrors = Map.of();
    /** Every dyno's count at the last sample it was registered at, so one that comes back starts from there. */
    private final Map<String, Long> lastDynoRequests = new HashMap<>();
    /** Dynos registered at the last sample only: the others are gone. */
    private Map<String, RecentTraffic> recent = new LinkedHashMap<>();

    public TrafficHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: >= 1)");
        }
        this.capacity = capacity;
    }

    /** {@link #sample(long, long, Map, Histogram, int, Map)} without a queue or dynos. */
    public void sample(long epochMillis, long totalRequests, Map<String, Long> totalErrors, Histogram serviceMicros) {
        sample(epochMillis, totalRequests, totalErrors, serviceMicros, 0, Map.of());
    }

    /**
     * Adds the point for the interval since the previous sample from cumulative counts; the first
     * call only sets the baseline.
     *
     * @param queued requests waiting in the router's queue now
     * @param dynos  the dynos registered with the router now, by name; those missing are dropped
     */
    public synchronized void sample(long epochMillis, long totalRequests, Map<String, Long> totalErrors,
                                    Histogram serviceMicros, int queued, Map<String, DynoSample> dynos) {
        boolean baseline = lastAt == 0 || epochMillis <= lastAt;
        double seconds = (epochMillis - lastAt) / 1000.0;
        Map<String, RecentTraffic> next = new LinkedHashMap<>();
        Map<String, DynoTraffic> perDyno = new LinkedHashMap<>();
        dynos.forEach((name, s) -> {
            RecentTraffic r = recent.getOrDefault(name, new RecentTraffic(RECENT_MILLIS));
            next.put(name, r);
            Long before = lastDynoRequests.put(name, s.totalRequests());
            if (!baseline) {
                long delta = before == null ? s.totalRequests() : Math.max(0, s.totalRequests() - before);
                r.add(epochMillis, seconds, delta, s.serviceMicros());
                perDyno.put(name, new DynoTraffic(delta / seconds, r.p95Ms()));
            }
        });
        recent = next;
        if (!baseline) {
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
                    any ? ms(serviceMicros, 99) : null, Map.copyOf(errors), queued,
                    java.util.Collections.unmodifiableMap(perDyno)));
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

    /**
     * Each dyno registered at the last sample: its requests/s and p95 over the last
     * {@link #RECENT_MILLIS}, in registration order.
     */
    public synchronized Map<String, DynoTraffic> recent() {
        Map<String, DynoTraffic> out = new LinkedHashMap<>();
        recent.forEach((name, r) -> out.put(name, new DynoTraffic(r.requestsPerSecond(), r.p95Ms())));
        return out;
    }
}
