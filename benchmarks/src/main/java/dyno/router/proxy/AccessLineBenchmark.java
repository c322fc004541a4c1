package dyno.router.proxy;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** Formatting the router's logfmt access line (success and error shapes). */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AccessLineBenchmark {
    private String method = "GET";
    private String path = "/assets/app.js?v=3";
    private String host = "localhost:5006";
    private String requestId = "0f8fad5b-d9cb-469f-a165-70867728950e";
    private String fwd = "203.0.113.7, 127.0.0.1";
    private String dyno = "web.1";

    @Benchmark
    public String info() {
        return AccessLine.format(null, null, method, path, host, requestId, fwd, dyno, 0, 3, 200, 1234, 0);
    }

    @Benchmark
    public String error() {
        return AccessLine.format(RouteError.H14, null, method, path, host, requestId, fwd, null, -1, -1, 503, -1, 0);
    }
}
