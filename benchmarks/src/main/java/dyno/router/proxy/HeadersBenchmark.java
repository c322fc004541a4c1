package dyno.router.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Request header rewriting (hop-by-hop removal, forwarding headers) on a copy of a typical browser
 * request's headers. {@code copyOnly} is the copy alone: subtract it to get the rewrite.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HeadersBenchmark {
    private HttpHeaders template;
    private HttpHeaders withClientId;

    @Setup
    public void setUp() {
        template = new DefaultHttpHeaders()
                .add("Host", "localhost:5006")
                .add("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0")
                .add("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .add("Accept-Language", "en-US,en;q=0.5")
                .add("Accept-Encoding", "gzip, deflate, br")
                .add("Connection", "keep-alive")
                .add("Cookie", "session=0123456789abcdef; theme=dark")
                .add("Upgrade-Insecure-Requests", "1");
        withClientId = template.copy()
                .add("X-Request-Id", "0f8fad5b-d9cb-469f-a165-70867728950e")
                .add("X-Forwarded-For", "203.0.113.7");
    }

    @Benchmark
    public HttpHeaders copyOnly() {
        return template.copy();
    }

    @Benchmark
    public String rewrite() {
        HttpHeaders h = template.copy();
        Headers.stripHopByHop(h, false);
        return Headers.addForwarding(h, "127.0.0.1", 5006, 1_700_000_000_000L);
    }

    @Benchmark
    public String rewriteKeepingClientId() {
        HttpHeaders h = withClientId.copy();
        Headers.stripHopByHop(h, false);
        return Headers.addForwarding(h, "127.0.0.1", 5006, 1_700_000_000_000L);
    }
}
