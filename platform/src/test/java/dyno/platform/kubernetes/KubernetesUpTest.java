package dyno.platform.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.kubernetes.FakeController;
import dyno.kubernetes.KubernetesSettings;
import dyno.kubernetes.MockCluster;
import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.platform.daemon.KubernetesTarget;
import dyno.router.RouterConfig;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import dyno.runtime.manager.ManagerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dyno up --runtime kubernetes} end to end: the real router and control API in front of
 * pods. fabric8's mock API server in CRUD mode stands in for a Kubernetes API server (none can run
 * here), and {@link FakeController} plays the cluster's controllers: each ready web pod is a real
 * HTTP server on 127.0.0.1 that answers with its pod's name, listed in an EndpointSlice.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesUpTest {
    private static final String NS = "shop-ns";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;
    private MockCluster cluster;
    private FakeController controller;
    private final List<LogLine> lines = new CopyOnWriteArrayList<>();

    @BeforeEach
    void startCluster() {
        cluster = MockCluster.start();
        controller = new FakeController(cluster, NS, Duration.ofMillis(500));
    }

    @AfterEach
    void stopCluster() {
        controller.close();
        cluster.close();
    }

    private Daemon up(String procfile, List<String> formation, Duration idleAfter, Duration bootTimeout) throws IOException {
        Files.writeString(dir.resolve("Procfile"), procfile);
        DaemonOptions options = new DaemonOptions(dir, "shop", null, formation, idleAfter,
                RouterConfig.builder().port(0).threads(1).build(),
                ManagerSettings.defaults().withStopTimeout(Duration.ofSeconds(5)));
        KubernetesSettings settings = KubernetesSettings.of("registry.example/shop:1", NS).withBootTimeout(bootTimeout);
        // a client of its own: the daemon closes it
        return Daemon.start(options, new KubernetesTarget(settings, () -> cluster.server().createClient()), lines::add);
    }

    private static HttpResponse<String> get(int port) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static List<DynoInfo> web(Daemon daemon, DynoState state) {
        return daemon.runtime().dynos().stream().filter(d -> d.isWeb() && d.state() == state).toList();
    }

    private static void awaitServing(Daemon daemon, int pods) {
        await().atMost(WAIT).until(() -> web(daemon, DynoState.UP).size() == pods
                && daemon.runtime().dynos().stream().filter(DynoInfo::isWeb).count() == pods);
    }

    @Test
    void twoPodsServeInRoundRobinOrder() throws Exception {
        try (Daemon daemon = up("web: ./server\n", List.of("web=2"), null, Duration.ofSeconds(60))) {
            awaitServing(daemon, 2);
            await().atMost(WAIT).until(() -> controller.live().size() == 2);
            List<String> seen = new ArrayList<>();
            await().atMost(WAIT).until(() -> {
                seen.clear();
                for (int i = 0; i < 4; i++) {
                    seen.add(get(daemon.routerPort()).body());
                }
                return seen.stream().distinct().count() == 2;
            });
            assertThat(seen.subList(0, 2)).containsExactlyInAnyOrderElementsOf(controller.live());
            assertThat(seen.subList(2, 4)).isEqualTo(seen.subList(0, 2));
            // each pod's output, followed into the app log
            await().atMost(WAIT).until(() -> lines.stream().filter(l -> l.source().equals(LogLine.APP)
                    && l.message().startsWith("listening as shop-web-")).count() >= 2);
        }
    }

    @Test
    void scalingUpAndDownUnderLoadFailsNoRequest() throws Exception {
        try (Daemon daemon = up("web: ./server\n", List.of("web=1"), null, Duration.ofSeconds(60));
             Load load = new Load(daemon.routerPort())) {
            awaitServing(daemon, 1);
            load.awaitMore(20);

            daemon.runtime().scale(List.of("web=3")).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> controller.live().stream().filter(p -> controller.served(p) > 0).count() == 3);
            daemon.runtime().scale(List.of("web=1")).get(30, TimeUnit.SECONDS);
            awaitServing(daemon, 1);
            load.awaitMore(20);

            assertThat(load.stop()).isEmpty();
        }
    }

    @Test
    void rollingRestartUnderLoadFailsNoRequest() throws Exception {
        try (Daemon daemon = up("web: ./server\n", List.of("web=2"), null, Duration.ofSeconds(60));
             Load load = new Load(daemon.routerPort())) {
            awaitServing(daemon, 2);
            List<String> before = controller.live();
            load.awaitMore(20);

            daemon.runtime().restart("web").get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> controller.live().size() == 2
                    && controller.live().stream().noneMatch(before::contains)
                    && controller.live().stream().allMatch(p -> controller.served(p) > 0));

            assertThat(load.stop()).isEmpty();
        }
    }

    @Test
    void anIdleWebScalesToZeroAndAHeldRequestIsAnsweredAfterTheWake() throws Exception {
        try (Daemon daemon = up("web: ./server\n", List.of("web=1"), Duration.ofSeconds(1), Duration.ofSeconds(60))) {
            awaitServing(daemon, 1);
            await().atMost(WAIT).until(() -> web(daemon, DynoState.IDLE).size() == 1 && controller.live().isEmpty());
            assertThat(cluster.client().apps().deployments().inNamespace(NS).withName("shop-web").get()
                    .getSpec().getReplicas()).isZero();

            HttpResponse<String> res = get(daemon.routerPort());

            assertThat(res.statusCode()).as(res.body() + lines).isEqualTo(200);
            assertThat(res.body()).startsWith("shop-web-");
            assertThat(lines).anyMatch(l -> l.message().equals("Unidling"));
        }
    }

    @Test
    void aWebPodThatNeverBecomesReadyIsCrashedAndGivesH10() throws Exception {
        try (Daemon daemon = up("web: ./never-ready\n", List.of("web=1"), null, Duration.ofSeconds(1))) {
            await().atMost(WAIT).until(() -> web(daemon, DynoState.CRASHED).size() == 1);

            HttpResponse<String> res = get(daemon.routerPort());

            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("H10");
            assertThat(lines).anyMatch(l -> l.message().startsWith("Error R10 (Boot timeout)"));
        }
    }

    @Test
    void aUserScaleOfWebToZeroGivesH14AndDownDeletesTheDeployments() throws Exception {
        Daemon daemon = up("web: ./server\nworker: ./work\n", List.of("web=1", "worker=1"), null, Duration.ofSeconds(60));
        try (daemon) {
            awaitServing(daemon, 1);
            daemon.runtime().scale(List.of("web=0")).get(30, TimeUnit.SECONDS);
            await().atMost(WAIT).until(() -> daemon.runtime().dynos().stream().noneMatch(DynoInfo::isWeb));

            HttpResponse<String> res = get(daemon.routerPort());
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("H14");
        }
        assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
    }

    /** One client sending requests back to back through the router, recording every failure. */
    private static final class Load implements AutoCloseable {
        private final AtomicBoolean run = new AtomicBoolean(true);
        private final AtomicInteger ok = new AtomicInteger();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final Thread thread;

        Load(int port) {
            thread = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(100);
                while (run.get() && System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> res = get(port);
                        if (res.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(res.statusCode() + " " + res.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "load");
            thread.start();
        }

        void awaitMore(int n) {
            int from = ok.get();
            await().atMost(WAIT).until(() -> ok.get() >= from + n);
        }

        List<String> stop() throws InterruptedException {
            run.set(false);
            thread.join(30_000);
            return failures;
        }

        @Override
        public void close() throws InterruptedException {
            stop();
        }
    }
}
