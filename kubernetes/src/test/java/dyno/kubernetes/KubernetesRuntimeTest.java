package dyno.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link KubernetesRuntime} against fabric8's mock API server in CRUD mode, which stands in for a
 * Kubernetes API server (none can run here), with {@link FakeController} playing the controllers
 * and kubelets: its web pods are real HTTP servers on 127.0.0.1.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class KubernetesRuntimeTest {
    private static final String NS = "dyno-test";
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    private MockCluster cluster;
    private FakeController controller;
    private KubernetesRuntime runtime;
    private final Recorder recorder = new Recorder();

    @BeforeEach
    void startCluster() {
        cluster = MockCluster.start();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            runtime.close();
        }
        if (controller != null) {
            controller.close();
        }
        cluster.close();
    }

    private KubernetesRuntime start(String procfile, Formation formation, Duration bootTimeout) throws IOException {
        Files.writeString(dir.resolve("Procfile"), procfile);
        App app = App.load(dir, "shop", null);
        controller = new FakeController(cluster, NS, Duration.ofMillis(300));
        runtime = new KubernetesRuntime(cluster.client(), app,
                KubernetesSettings.of("registry.example/shop:1", NS).withBootTimeout(bootTimeout), recorder, recorder);
        runtime.start(formation);
        return runtime;
    }

    private static Formation formation(int web, int worker) {
        return Formation.of(List.of(new FormationEntry("web", web, DynoSize.STANDARD_2X),
                new FormationEntry("worker", worker, DynoSize.STANDARD_1X)));
    }

    private Deployment deployment(String name) {
        return cluster.client().apps().deployments().inNamespace(NS).withName(name).get();
    }

    private List<DynoInfo> web(DynoState state) {
        return runtime.dynos().stream().filter(d -> d.isWeb() && d.state() == state).toList();
    }

    @Test
    void upCreatesOneDeploymentPerProcessTypeWithCommandEnvAndResources() throws IOException {
        start("web: ./server --port $PORT\nworker: ./work\n", formation(2, 1), Duration.ofSeconds(60));

        Deployment web = deployment("shop-web");
        assertThat(web.getSpec().getReplicas()).isEqualTo(2);
        assertThat(web.getSpec().getStrategy().getRollingUpdate().getMaxUnavailable().getIntVal()).isZero();
        var container = web.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertThat(container.getImage()).isEqualTo("registry.example/shop:1");
        assertThat(container.getCommand()).containsExactly("sh", "-c", "./server --port $PORT");
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("PORT") && e.getValue().equals("5000"));
        assertThat(container.getEnv()).anyMatch(e -> e.getName().equals("DYNO")
                && e.getValueFrom().getFieldRef().getFieldPath().equals("metadata.name"));
        assertThat(container.getResources().getLimits().get("memory").toString()).isEqualTo("1024Mi");
        assertThat(container.getResources().getRequests().get("cpu").toString()).isEqualTo("500m");
        // a stopping pod keeps serving while routers learn it is leaving; ready means listening on PORT
        assertThat(container.getLifecycle().getPreStop().getExec().getCommand()).containsExactly("sh", "-c", "sleep 5");
        assertThat(web.getSpec().getTemplate().getSpec().getTerminationGracePeriodSeconds()).isEqualTo(35L);
        assertThat(container.getReadinessProbe().getTcpSocket().getPort().getIntVal()).isEqualTo(5000);
        assertThat(deployment("shop-worker").getSpec().getTemplate().getSpec().getContainers().get(0)
                .getReadinessProbe()).isNull();
        assertThat(deployment("shop-worker").getSpec().getReplicas()).isEqualTo(1);
        assertThat(cluster.client().services().inNamespace(NS).withName("shop-web").get()).isNotNull();
    }

    @Test
    void readyWebPodsAreUpDynosWithReadyEndpointsThatServe() throws Exception {
        start("web: ./server\nworker: ./work\n", formation(2, 1), Duration.ofSeconds(60));

        await().atMost(WAIT).until(() -> web(DynoState.UP).size() == 2 && recorder.ready().size() == 2);
        await().atMost(WAIT).until(() -> runtime.dynos().stream()
                .anyMatch(d -> d.type().equals("worker") && d.state() == DynoState.UP));
        assertThat(runtime.intent()).isEqualTo(AppIntent.SERVING);
        HttpClient http = HttpClient.newHttpClient();
        for (PodEndpoint e : recorder.ready()) {
            String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + e.address().getPort() + "/")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertThat(body).isEqualTo(e.dyno());
        }
        assertThat(web(DynoState.UP)).extracting(DynoInfo::size).containsOnly(DynoSize.STANDARD_2X);
    }

    @Test
    void scaleChangesReplicasAndEndpointsFollow() throws Exception {
        start("web: ./server\n", formation(1, 0), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> recorder.ready().size() == 1);

        runtime.scale(List.of("web=3")).get(30, TimeUnit.SECONDS);
        assertThat(deployment("shop-web").getSpec().getReplicas()).isEqualTo(3);
        await().atMost(WAIT).until(() -> recorder.ready().size() == 3 && web(DynoState.UP).size() == 3);

        runtime.scale(List.of("web=1")).get(30, TimeUnit.SECONDS);
        await().atMost(WAIT).until(() -> recorder.endpoints.size() == 1 && web(DynoState.UP).size() == 1);
        assertThat(recorder.removed).hasSize(2);
        assertThat(runtime.formation().quantity("web")).isEqualTo(1);
    }

    @Test
    void scalingToAnotherSizeRollsThePodsToNewResources() throws Exception {
        start("web: ./server\n", formation(1, 0), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> recorder.ready().size() == 1);
        String before = recorder.ready().get(0).dyno();

        runtime.scale(List.of("web=1:performance-m")).get(30, TimeUnit.SECONDS);

        var limits = deployment("shop-web").getSpec().getTemplate().getSpec().getContainers().get(0).getResources().getLimits();
        assertThat(limits.get("memory").toString()).isEqualTo("2560Mi");
        await().atMost(WAIT).until(() -> recorder.ready().size() == 1 && !recorder.ready().get(0).dyno().equals(before));
    }

    @Test
    void rollingRestartReplacesEveryPodWithANewOneFirst() throws Exception {
        start("web: ./server\n", formation(2, 0), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> recorder.ready().size() == 2);
        List<String> before = recorder.ready().stream().map(PodEndpoint::dyno).toList();

        runtime.restart("web").get(30, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> recorder.ready().size() == 2
                && recorder.ready().stream().noneMatch(e -> before.contains(e.dyno())));
        assertThat(deployment("shop-web").getSpec().getTemplate().getMetadata().getAnnotations())
                .containsKey("kubectl.kubernetes.io/restartedAt");
        assertThat(recorder.intents).doesNotContain(AppIntent.RESTARTING, AppIntent.CRASHED);
    }

    @Test
    void stoppingADynoDeletesItsPodAndTheDeploymentStartsAnother() throws Exception {
        start("web: ./server\n", formation(1, 0), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> web(DynoState.UP).size() == 1);
        String victim = web(DynoState.UP).get(0).name();

        runtime.restart(victim).get(30, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> web(DynoState.UP).size() == 1 && !web(DynoState.UP).get(0).name().equals(victim));
        assertThatThrownBy(() -> runtime.restart("web-nope").join()).hasMessageContaining("dyno: web-nope");
    }

    @Test
    void aWebPodNeverReadyIsCrashedWithR10() throws Exception {
        start("web: ./never-ready\n", formation(1, 0), Duration.ofSeconds(1));

        await().atMost(WAIT).until(() -> web(DynoState.CRASHED).size() == 1);
        assertThat(recorder.logged("Error R10 (Boot timeout)")).isTrue();
        assertThat(runtime.intent()).isEqualTo(AppIntent.CRASHED);
        assertThat(recorder.endpoints.values()).singleElement().matches(e -> !e.ready() && !e.terminating());
    }

    @Test
    void idleScalesWebToZeroAndWakeScalesItBack() throws Exception {
        start("web: ./server\n", formation(1, 0), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> web(DynoState.UP).size() == 1);

        runtime.idle(web(DynoState.UP).get(0).name()).get(30, TimeUnit.SECONDS);

        Deployment idled = deployment("shop-web");
        assertThat(idled.getSpec().getReplicas()).isZero();
        assertThat(idled.getMetadata().getAnnotations()).containsEntry("dyno.dev/idled", "true");
        await().atMost(WAIT).until(() -> recorder.endpoints.isEmpty() && web(DynoState.IDLE).size() == 1);
        assertThat(runtime.intent()).isEqualTo(AppIntent.SLEEPING);
        assertThat(runtime.formation().quantity("web")).isEqualTo(1);

        runtime.wake(web(DynoState.IDLE).get(0).name()).get(30, TimeUnit.SECONDS);

        assertThat(runtime.intent()).isIn(AppIntent.WAKING, AppIntent.SERVING);
        await().atMost(WAIT).until(() -> recorder.ready().size() == 1 && runtime.intent() == AppIntent.SERVING);
        assertThat(deployment("shop-web").getMetadata().getAnnotations()).doesNotContainKey("dyno.dev/idled");
    }

    @Test
    void userScaleOfWebToZeroIsStoppedNotSleeping() throws Exception {
        start("web: ./server\n", formation(1, 0), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> web(DynoState.UP).size() == 1);

        runtime.scale(List.of("web=0")).get(30, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> runtime.dynos().isEmpty());
        assertThat(runtime.intent()).isEqualTo(AppIntent.STOPPED);
    }

    @Test
    void closeDeletesTheDeploymentsAndTheService() throws Exception {
        start("web: ./server\nworker: ./work\n", formation(1, 1), Duration.ofSeconds(60));
        await().atMost(WAIT).until(() -> web(DynoState.UP).size() == 1);

        runtime.close();

        assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
        assertThat(cluster.client().services().inNamespace(NS).list().getItems()).isEmpty();
        assertThatThrownBy(() -> runtime.scale(List.of("web=2")).join()).hasMessageContaining("stopped");
    }

    @Test
    void podOutputIsFollowedIntoTheAppLog() throws Exception {
        cluster.server().expect().get().withPath("/api/v1/namespaces/" + NS + "/pods/shop-worker-x/log?pretty=false&follow=true")
                .andReturn(200, "hello from the pod\n").always();
        Files.writeString(dir.resolve("Procfile"), "worker: ./work\n");
        cluster.client().pods().inNamespace(NS).resource(new io.fabric8.kubernetes.api.model.PodBuilder()
                .withNewMetadata().withName("shop-worker-x").withLabels(Map.of(Labels.MANAGED_BY, "dyno",
                        Labels.APP, "shop", Labels.TYPE, "worker")).endMetadata()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
        runtime = new KubernetesRuntime(cluster.client(), App.load(dir, "shop", null),
                KubernetesSettings.of("registry.example/shop:1", NS), recorder, recorder);
        runtime.start(Formation.of(List.of(new FormationEntry("worker", 1, DynoSize.STANDARD_1X))));

        await().atMost(WAIT).until(() -> recorder.lines.stream()
                .anyMatch(l -> l.dyno().equals("shop-worker-x") && l.message().equals("hello from the pod")));
    }
}
