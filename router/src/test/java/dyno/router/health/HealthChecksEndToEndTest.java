package dyno.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dyno.router.AccessLogSink;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Health checks through a real router against JDK HTTP servers on 127.0.0.1 whose health we flip. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HealthChecksEndToEndTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final List<Backend> backends = new ArrayList<>();
    private final List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private Router router;

    /** A backend answering its name on {@code /} and {@code healthStatus} on {@code /health}. */
    static final class Backend {
        final String name;
        final HttpServer server;
        final ExecutorService threads = Executors.newCachedThreadPool();
        final AtomicInteger healthStatus = new AtomicInteger(200);
        final AtomicInteger healthChecks = new AtomicInteger();
        final List<String> hosts = new CopyOnWriteArrayList<>();
        final CountDownLatch hang = new CountDownLatch(1);
        volatile boolean hanging;

        Backend(String name) throws IOException {
            this.name = name;
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            server.setExecutor(threads);
            server.createContext("/", ex -> {
                byte[] body = name.getBytes(StandardCharsets.UTF_8);
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
                ex.close();
            });
            server.createContext("/health", ex -> {
                healthChecks.incrementAndGet();
                hosts.add(ex.getRequestHeaders().getFirst("Host"));
                if (hanging) {
                    try {
                        hang.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                ex.sendResponseHeaders(healthStatus.get(), -1);
                ex.close();
            });
            server.start();
        }

        InetSocketAddress address() {
            return new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
        }

        void stop() {
            hang.countDown();
            server.stop(0);
            threads.shutdownNow();
        }
    }

    private Backend[] start(int n, UnaryOperator<RouterConfig.Builder> config) throws IOException {
        RouterConfig.Builder b = RouterConfig.builder().port(0).threads(2).accessLog(AccessLogSink.OFF)
                .healthPath("/health").healthInterval(Duration.ofMillis(100)).healthTimeout(Duration.ofMillis(500))
                .fall(3).rise(2);
        router = Router.start(config.apply(b).build(), new RouterListener() {
            @Override
            public void healthChanged(HealthTransition t) {
                transitions.add(t);
            }
        });
        Backend[] started = new Backend[n];
        for (int i = 0; i < n; i++) {
            started[i] = new Backend("web." + (i + 1));
            backends.add(started[i]);
            router.registry().add(started[i].name, started[i].address());
        }
        return started;
    }

    @AfterEach
    void stop() {
        if (router != null) {
            router.close();
        }
        backends.forEach(Backend::stop);
    }

    private String get() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + router.port() + "/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    /** Who answers the next {@code n} requests. */
    private List<String> answers(int n) throws Exception {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            seen.add(get());
        }
        return seen;
    }

    private HealthTransition awaitTransition(int index) {
        await().atMost(WAIT).until(() -> transitions.size() > index);
        return transitions.get(index);
    }

    @Test
    void leavesRotationAfterFallFailedChecksAndReturnsAfterRisePassedOnes() throws Exception {
        Backend[] b = start(2, c -> c);
        assertThat(answers(4)).contains("200 web.1", "200 web.2");

        b[0].healthStatus.set(503);
        int before = b[0].healthChecks.get();
        HealthTransition down = awaitTransition(0);
        assertThat(b[0].healthChecks.get() - before).isGreaterThanOrEqualTo(3);
        assertThat(down.dyno()).isEqualTo("web.1");
        assertThat(down.healthy()).isFalse();
        assertThat(down.reason()).isEqualTo("status 503 (expected: 100-499)");
        assertThat(down.checks()).isEqualTo(3);
        assertThat(down.threshold()).isEqualTo(3);
        assertThat(down.inRotation()).isEqualTo(1);
        assertThat(down.registered()).isEqualTo(2);
        assertThat(answers(6)).containsOnly("200 web.2");

        b[0].healthStatus.set(200);
        HealthTransition up = awaitTransition(1);
        assertThat(up.healthy()).isTrue();
        assertThat(up.reason()).isEqualTo("status 200");
        assertThat(up.checks()).isEqualTo(2);
        assertThat(up.threshold()).isEqualTo(2);
        assertThat(up.inRotation()).isEqualTo(2);
        assertThat(answers(4)).contains("200 web.1", "200 web.2");
        // one line per transition, however many checks failed or passed meanwhile
        Thread.sleep(500);
        assertThat(transitions).hasSize(2);
    }

    @Test
    void aStatusOutsideTheExpectedSetIsAFailedCheck() throws Exception {
        Backend[] b = start(2, c -> c.healthStatus(ExpectedStatus.parse("200-299")));
        b[0].healthStatus.set(302);
        HealthTransition down = awaitTransition(0);
        assertThat(down.dyno()).isEqualTo("web.1");
        assertThat(down.reason()).isEqualTo("status 302 (expected: 200-299)");
        assertThat(answers(4)).containsOnly("200 web.2");
        assertThat(transitions).hasSize(1); // web.2's 200 was expected all along
    }

    @Test
    void theHealthHostIsTheHostHeaderTheBackendSees() throws Exception {
        Backend[] b = start(1, c -> c.healthHost("app.local:8080"));
        await().atMost(WAIT).until(() -> !b[0].hosts.isEmpty());
        assertThat(b[0].hosts).containsOnly("app.local:8080");
    }

    @Test
    void withoutAHealthHostChecksSendTheBackendsAddress() throws Exception {
        Backend[] b = start(1, c -> c);
        await().atMost(WAIT).until(() -> !b[0].hosts.isEmpty());
        assertThat(b[0].hosts).containsOnly("127.0.0.1:" + b[0].address().getPort());
    }

    @Test
    void aCheckThatTimesOutIsAFailedCheck() throws Exception {
        Backend[] b = start(2, c -> c.healthTimeout(Duration.ofMillis(200)));
        b[0].hanging = true;
        HealthTransition down = awaitTransition(0);
        assertThat(down.dyno()).isEqualTo("web.1");
        assertThat(down.reason()).isEqualTo("timeout after 200ms");
        assertThat(answers(4)).containsOnly("200 web.2");
    }

    @Test
    void aRefusedConnectionIsAFailedCheckAndNamedSo() throws Exception {
        Backend[] b = start(2, c -> c.quarantine(Duration.ofMillis(1)));
        b[0].server.stop(0);
        HealthTransition down = awaitTransition(0);
        assertThat(down.dyno()).isEqualTo("web.1");
        assertThat(down.reason()).isEqualTo("connection refused");
        assertThat(down.logfmt()).isEqualTo("at=info desc=\"Backend down\" dyno=web.1 backend=127.0.0.1:"
                + b[0].address().getPort() + " reason=\"connection refused\" checks=3/3 in_rotation=1/2");
    }
}
