package dyno.platform.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The load generator against a real loopback server that stalls for one second mid-run. */
@Timeout(60)
class LoadGeneratorTest {
    private HttpServer server;
    private volatile long stallFrom;
    private volatile long stallUntil;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 256);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/", ex -> {
            long now = System.nanoTime();
            if (now >= stallFrom && now < stallUntil) {
                try {
                    Thread.sleep((stallUntil - now) / 1_000_000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.sendResponseHeaders(200, 2);
            ex.getResponseBody().write("ok".getBytes());
            ex.close();
        });
        server.start();
        stallFrom = Long.MAX_VALUE;
        stallUntil = Long.MAX_VALUE;
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI target() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
    }

    private void stallOneSecondAfter(Duration delay) {
        long from = System.nanoTime() + delay.toNanos();
        stallUntil = from + Duration.ofSeconds(1).toNanos();
        stallFrom = from;
    }

    @Test
    void openLoopCountsTheStallAsQueueingForEveryRequestDueDuringIt() throws Exception {
        LoadGenerator load = new LoadGenerator();
        stallOneSecondAfter(Duration.ofMillis(500));
        LoadResult r = load.run(new LoadPlan(target(), Duration.ofSeconds(3), 4, 100));
        // ~300 requests were due; ~100 of them fell in the 1 s stall and waited up to 1 s for it
        assertThat(r.requests()).isBetween(250L, 320L);
        assertThat(r.errors()).isZero();
        assertThat(r.latencyMs(80)).isGreaterThan(150);
        assertThat(r.maxMs()).isGreaterThan(800);
    }

    @Test
    void closedLoopHidesTheSameStallBehindFewSamples() throws Exception {
        LoadGenerator load = new LoadGenerator();
        stallOneSecondAfter(Duration.ofMillis(500));
        LoadResult r = load.run(new LoadPlan(target(), Duration.ofSeconds(3), 4, 0));
        // the four connections each wait once: only 4 slow samples among thousands
        assertThat(r.maxMs()).isGreaterThan(800);
        assertThat(r.latencyMs(80)).isLessThan(400); // far below the 1 s stall, wide for a shared CPU
    }

    @Test
    void refusesNonLoopbackTargets() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                new LoadPlan(URI.create("http://10.0.0.1/"), Duration.ofSeconds(1), 1, 0))
                .hasMessageContaining("loopback");
    }
}
