package dyno.router.proxy;

import dyno.router.log.AccessLogFormat;
import dyno.router.log.AccessRecord;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Formatting an access record (success and error shapes) in each format, into a reused builder as
 * the access log writer does ({@code appendInfo}), and to a String as the app-log sink of
 * {@code dyno up} does on the event loop ({@code info}, {@code error}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class AccessLineBenchmark {
    @Param({"HEROKU", "JSON", "CLF"})
    public AccessLogFormat format;

    private final AccessRecord served = new AccessRecord(1_764_337_586_000L, null, null, "GET", "/assets/app.js?v=3",
            "localhost:5006", "0f8fad5b-d9cb-469f-a165-70867728950e", "203.0.113.7, 127.0.0.1", "web.1", 0, 3, 200,
            1234, "HTTP/1.1", 0);
    private final AccessRecord failed = new AccessRecord(1_764_337_586_000L, "H14", "No web processes running", "GET",
            "/assets/app.js?v=3", "localhost:5006", "0f8fad5b-d9cb-469f-a165-70867728950e", "203.0.113.7, 127.0.0.1",
            null, -1, -1, 503, -1, "HTTP/1.1", 0);
    private final StringBuilder line = new StringBuilder(1024);

    @Benchmark
    public String info() {
        return format.format(served);
    }

    @Benchmark
    public String error() {
        return format.format(failed);
    }

    @Benchmark
    public int appendInfo() {
        line.setLength(0);
        format.append(served, line);
        return line.length();
    }
}
