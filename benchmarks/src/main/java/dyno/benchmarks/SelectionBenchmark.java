package dyno.benchmarks;

import dyno.router.RouterListener;
import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import dyno.router.select.RoundRobinStrategy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * Dyno selection as the request path does it: read the snapshot, ask the round-robin strategy.
 * {@code selectShared} runs on two threads against one table, as two event loops do.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SelectionBenchmark {
    @Param({"1", "8", "64"})
    int dynos;

    private ScheduledExecutorService scheduler;
    private DynoTable table;

    @Setup(Level.Trial)
    public void setUp() {
        scheduler = Executors.newSingleThreadScheduledExecutor();
        table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofSeconds(5), 1000, RouterListener.NONE);
        for (int i = 1; i <= dynos; i++) {
            table.add("web." + i, new InetSocketAddress("127.0.0.1", 5000 + i));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        scheduler.shutdownNow();
    }

    @Benchmark
    @Threads(1)
    public Dyno select() {
        return table.select(table.snapshot());
    }

    @Benchmark
    @Threads(2)
    public Dyno selectShared() {
        return table.select(table.snapshot());
    }

    /** Selection plus the in-flight accounting every routed request also does. */
    @Benchmark
    @Threads(1)
    public Dyno selectAcquireRelease() {
        Dyno d = table.select(table.snapshot());
        if (table.acquire(d)) {
            table.release(d);
        }
        return d;
    }
}
