package dyno.platform;

import static dyno.platform.CliTest.dyno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.kubernetes.FakeController;
import dyno.kubernetes.KubernetesSettings;
import dyno.kubernetes.MockCluster;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.platform.daemon.KubernetesTarget;
import dyno.router.RouterConfig;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import dyno.runtime.manager.ManagerSettings;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code dyno} commands against an app whose dynos are pods, and {@code dyno up --runtime
 * kubernetes}'s errors as a user sees them. fabric8's mock API server in CRUD mode stands in for a
 * Kubernetes API server (none can run here), with {@link FakeController} as its controllers.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class KubernetesCliTest {
    private static final String NS = "shop-ns";

    @TempDir
    Path dir;

    private Path app() throws IOException {
        Files.writeString(dir.resolve("Procfile"), "web: ./server\nworker: ./work\n");
        return dir;
    }

    @Test
    void psScaleStopAndRestartDrivePods() throws Exception {
        try (MockCluster cluster = MockCluster.start();
             FakeController controller = new FakeController(cluster, NS, Duration.ofMillis(300));
             Daemon daemon = Daemon.start(new DaemonOptions(app(), "shop", null, List.of("web=1"), null,
                             RouterConfig.builder().port(0).threads(1).build(), ManagerSettings.defaults()),
                     new KubernetesTarget(KubernetesSettings.of("registry.example/shop:1", NS),
                             () -> cluster.server().createClient()), line -> { })) {
            String d = dir.toString();
            await().atMost(60, TimeUnit.SECONDS).until(() -> up(daemon).size() == 1);
            String pod = up(daemon).get(0).name();

            CliTest.Result ps = dyno("ps", "--dir", d);
            assertThat(ps.out()).contains("=== web (Standard-1X): ./server (1)").contains(pod + ": up ");

            assertThat(dyno("ps:scale", "web=2", "--dir", d).status()).isZero();
            await().atMost(60, TimeUnit.SECONDS).until(() -> up(daemon).size() == 2);
            assertThat(cluster.client().apps().deployments().inNamespace(NS).withName("shop-web").get()
                    .getSpec().getReplicas()).isEqualTo(2);

            CliTest.Result stop = dyno("ps:stop", pod, "--dir", d);
            assertThat(stop.status()).as(stop.err()).isZero();
            await().atMost(60, TimeUnit.SECONDS).until(() -> up(daemon).size() == 2
                    && up(daemon).stream().noneMatch(x -> x.name().equals(pod)));

            assertThat(dyno("ps:restart", "web", "--dir", d).status()).isZero();
            assertThat(cluster.client().apps().deployments().inNamespace(NS).withName("shop-web").get()
                    .getSpec().getTemplate().getMetadata().getAnnotations()).containsKey("kubectl.kubernetes.io/restartedAt");
        }
    }

    private static List<DynoInfo> up(Daemon daemon) {
        return daemon.runtime().dynos().stream().filter(x -> x.isWeb() && x.state() == DynoState.UP).toList();
    }

    @Test
    void withoutAnImageUpIsOneLineNamingTheFlag() throws Exception {
        CliTest.Result r = dyno("up", "--dir", app().toString(), "--port", "0", "--runtime", "kubernetes");

        assertThat(r.status()).as(r.err()).isEqualTo(2); // a usage error
        assertThat(r.err()).contains("--image: missing").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(DaemonInfo.file(dir)).doesNotExist();
    }

    @Test
    void anUnreachableApiServerIsOneLineAndLeavesNothingRunning() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        Run r = up("http://127.0.0.1:" + port);

        assertThat(r.status()).as(r.err()).isEqualTo(1);
        assertThat(r.err()).startsWith("dyno up: kubernetes: cannot reach the API server at http://127.0.0.1:" + port)
                .endsWith("\n").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(r.err().strip().lines()).hasSize(1);
        assertThat(DaemonInfo.file(dir)).doesNotExist();
    }

    @Test
    void forbiddenByRbacIsOneLineAndCreatesNothing() throws Exception {
        try (MockCluster cluster = MockCluster.start()) {
            cluster.server().expect().get().withPath("/apis/apps/v1/namespaces/" + NS + "/deployments"
                            + "?labelSelector=app.kubernetes.io%2Fmanaged-by%3Ddyno%2Cdyno.dev%2Fapp%3Dshop")
                    .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"forbidden\"}").always();

            Run r = up(cluster.client().getMasterUrl().toString());

            assertThat(r.status()).as(r.err()).isEqualTo(1);
            assertThat(r.err()).startsWith("dyno up: kubernetes: forbidden to list deployments in namespace " + NS)
                    .contains("RBAC").doesNotContain("Exception");
            assertThat(r.err().strip().lines()).hasSize(1);
            assertThat(cluster.client().apps().deployments().inNamespace(NS).list().getItems()).isEmpty();
            assertThat(cluster.client().services().inNamespace(NS).list().getItems()).isEmpty();
        }
    }

    record Run(int status, String out, String err) {
    }

    /** {@code dyno up --runtime kubernetes} in a JVM of its own, its cluster at {@code master}. */
    private Run up(String master) throws Exception {
        app();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC",
                "-Dkubernetes.master=" + master, "-Dkubernetes.auth.tryKubeConfig=false",
                "-Dkubernetes.auth.tryServiceAccount=false", "-Dkubernetes.request.retry.backoffLimit=0",
                "-cp", System.getProperty("java.class.path"), "dyno.platform.cli.DynoCommand",
                "up", "--dir", dir.toString(), "--app", "shop", "--port", "0", "--no-color",
                "--runtime", "kubernetes", "--image", "registry.example/shop:1", "--namespace", NS));
        Path out = Files.createTempFile(dir.getParent(), "up", ".out");
        Path err = Files.createTempFile(dir.getParent(), "up", ".err");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dyno up did not exit: " + Files.readString(out));
        }
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }
}
