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
    void sendsTheMethodHeadersAndBodyToEachPathInProportionToItsWeight() throws Exception {
        java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> byPath = new java.util.concurrent.ConcurrentHashMap<>();
        java.util.Set<String> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        server.createContext("/mix", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            seen.add(ex.getRequestMethod() + " " + ex.getRequestHeaders().getFirst("X-Bench") + " " + body);
            byPath.computeIfAbsent(ex.getRequestURI().toString(), k -> new java.util.concurrent.atomic.AtomicInteger()).incrementAndGet();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        RequestMix mix = new RequestMix("POST", java.util.List.of(RequestMix.parseHeader("X-Bench: yes")),
                "{\"n\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                java.util.List.of(RequestMix.parsePath("/mix/a?x=1:3"), RequestMix.parsePath("/mix/b")));

        LoadResult r = new LoadGenerator().run(new LoadPlan(target(), Duration.ofSeconds(1), 2, 0, mix));

        assertThat(r.errors()).isZero();
        assertThat(seen).containsExactly("POST yes {\"n\":1}");
        int a = byPath.get("/mix/a?x=1").get();
        int total = a + byPath.get("/mix/b").get();
        assertThat(total).isEqualTo(r.requests());
        // request n goes to /mix/a unless n % 4 == 3: exact whatever the concurrency
        assertThat(a).isEqualTo(total / 4 * 3 + Math.min(total % 4, 3));
    }

    @Test
    void refusesNonLoopbackTargets() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                new LoadPlan(URI.create("http://10.0.0.1/"), Duration.ofSeconds(1), 1, 0))
                .hasMessageContaining("loopback");
    }
}
