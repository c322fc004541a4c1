package dyno.platform.metrics;

import dyno.router.RequestObserver;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * The router's per-request meters: requests by dyno and status class, errors by H-code and dyno,
 * service and connect time histograms, and each dyno's service times since the last sample (for the
 * dashboard). Called on router event loops, so each request costs a few map lookups, lock-free
 * increments and wait-free histogram writes; meters are created once per dyno and cached, and kept
 * while the registry lives (as Prometheus counters are).
 */
public final class RouterMetrics implements RequestObserver {
    /** Label value for requests that reached no dyno. */
    static final String NO_DYNO = "none";
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    /** Prometheus buckets: 1 ms to 60 s, after the usual latency ladders. */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10),
            Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofSeconds(60)};

    /** Longest service time the percentiles tell apart: an hour, in microseconds. */
    private static final long MAX_MICROS = TimeUnit.HOURS.toMicros(1);

    private final MeterRegistry registry;
    private final Timer service;
    private final Timer connect;
    /** Service time in microseconds since the last {@link #intervalServiceMicros}; wait-free to record. */
    private final Recorder window = new Recorder(MAX_MICROS, 2);
    private final Map<String, DynoMeters> dynos = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Counter>> errors = new ConcurrentHashMap<>();

    RouterMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.service = timer("dyno.router.service", "From sending the request to a dyno to the end of its response");
        this.connect = timer("dyno.router.connect", "Time to connect to a dyno (0 for a pooled connection)");
    }

    private Timer timer(String name, String description) {
        return Timer.builder(name).description(description).serviceLevelObjectives(BUCKETS)
                .minimumExpectedValue(BUCKETS[0]).maximumExpectedValue(BUCKETS[BUCKETS.length - 1])
                .register(registry);
    }

    @Override
    public void requestCompleted(String dyno, int status, String code, long connectNanos, long serviceNanos) {
        String d = dyno == null ? NO_DYNO : dyno;
        DynoMeters m = dynos.get(d);
        if (m == null) {
            m = dynos.computeIfAbsent(d, this::dynoMeters);
        }
        int cls = status / 100 - 1;
        if (cls >= 0 && cls < CLASSES.length) {
            m.byClass[cls].increment();
        }
        if (code != null) {
            Map<String, Counter> byDyno = errors.get(code);
            Counter c = byDyno == null ? null : byDyno.get(d);
            if (c == null) { // first error of this code on this dyno: the only path that allocates
                c = errors.computeIfAbsent(code, x -> new ConcurrentHashMap<>()).computeIfAbsent(d,
                        x -> Counter.builder("dyno.router.errors")
                                .description("Requests the router ended with a Heroku error code")
                                .tag("code", code).tag("dyno", x).register(registry));
            }
            c.increment();
        }
        if (connectNanos >= 0) {
            connect.record(connectNanos, TimeUnit.NANOSECONDS);
        }
        if (serviceNanos >= 0) {
            service.record(serviceNanos, TimeUnit.NANOSECONDS);
            long micros = Math.min(Math.max(1, serviceNanos / 1000), MAX_MICROS);
            window.recordValue(micros);
            if (m.service != null) {
                m.service.recordValue(micros);
            }
        }
    }

    private DynoMeters dynoMeters(String dyno) {
        Counter[] byClass = new Counter[CLASSES.length];
        for (int i = 0; i < byClass.length; i++) {
            byClass[i] = Counter.builder("dyno.router.requests").description("Requests answered, by dyno and status class")
                    .tag("dyno", dyno).tag("status_class", CLASSES[i]).register(registry);
        }
        return new DynoMeters(byClass, dyno.equals(NO_DYNO) ? null : new Recorder(MAX_MICROS, 2));
    }

    /** One dyno's request counters by status class and its service times since the last sample. */
    private static final class DynoMeters {
        final Counter[] byClass;
        /** Null for {@link #NO_DYNO}: those requests reached no dyno. */
        final Recorder service;
        /** The last interval histogram, recycled by the next (sampling thread only). */
        Histogram interval;

        DynoMeters(Counter[] byClass, Recorder service) {
            this.byClass = byClass;
            this.service = service;
        }
    }

    /** Requests answered so far, all dynos and classes. */
    long totalRequests() {
        double sum = 0;
        for (DynoMeters m : dynos.values()) {
            for (Counter c : m.byClass) {
                sum += c.count();
            }
        }
        return (long) sum;
    }

    /** Requests answered so far by the named dyno or backend, every status class. */
    public long requests(String dyno) {
        DynoMeters m = dynos.get(dyno);
        Counter[] byClass = m == null ? null : m.byClass;
        double sum = 0;
        for (int i = 0; byClass != null && i < byClass.length; i++) {
            sum += byClass[i].count();
        }
        return (long) sum;
    }

    /** Requests the router ended with an H-code on the named dyno or backend so far. */
    public long errors(String dyno) {
        double sum = 0;
        for (Map<String, Counter> byDyno : errors.values()) {
            Counter c = byDyno.get(dyno);
            sum += c == null ? 0 : c.count();
        }
        return (long) sum;
    }

    /** Router errors so far by H-code, all dynos. */
    Map<String, Long> errorsByCode() {
        Map<String, Long> out = new java.util.TreeMap<>();
        errors.forEach((code, byDyno) -> out.put(code,
                (long) byDyno.values().stream().mapToDouble(Counter::count).sum()));
        return out;
    }

    /** Service times recorded since the previous call, in microseconds (the caller owns the result). */
    Histogram intervalServiceMicros() {
        return window.getIntervalHistogram();
    }

    /**
     * The named dyno's service times recorded since the previous call for it, in microseconds; null
     * when it never served a request. One sampling thread only: the result is reused by the next call.
     */
    Histogram intervalServiceMicros(String dyno) {
        DynoMeters m = dynos.get(dyno);
        if (m == null || m.service == null) {
            return null;
        }
        m.interval = m.service.getIntervalHistogram(m.interval);
        return m.interval;
    }
}
