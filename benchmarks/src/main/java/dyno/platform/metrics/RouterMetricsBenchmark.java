package dyno.platform.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the metrics cost each routed request: {@link RouterMetrics#requestCompleted} as the router
 * calls it on its event loop (4 dynos, 2xx, pooled connection), and for a router error.
 * <pre>java -jar benchmarks/target/microbenchmarks.jar RouterMetricsBenchmark -prof gc</pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouterMetricsBenchmark {
    private static final String[] DYNOS = {"web.1", "web.2", "web.3", "web.4"};
    private RouterMetrics metrics;

    @State(Scope.Thread)
    public static class Cursor {
        int next;
    }

    @Setup
    public void setup() {
        metrics = new RouterMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
        for (String d : DYNOS) {
            metrics.requestCompleted(d, 200, null, 0, 1_000_000); // meters created up front, as after the first requests
            metrics.requestCompleted(d, 503, "H12", 0, 1_000_000);
        }
    }

    @Benchmark
    public void served(Cursor c) {
        metrics.requestCompleted(DYNOS[c.next++ & 3], 200, null, 0, 1_500_000);
    }

    @Benchmark
    public void routerError(Cursor c) {
        metrics.requestCompleted(DYNOS[c.next++ & 3], 503, "H12", 0, 30_000_000_000L);
    }

    @Benchmark
    @Threads(2)
    public void servedTwoThreads(Cursor c) {
        metrics.requestCompleted(DYNOS[c.next++ & 3], 200, null, 0, 1_500_000);
    }
}
