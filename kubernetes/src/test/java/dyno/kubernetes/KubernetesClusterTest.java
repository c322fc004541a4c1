package dyno.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.DynoState;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke test against a real cluster, run only when {@code DYNO_KUBERNETES_TEST_NAMESPACE} names a
 * namespace the current kubeconfig may use (see docs/kubernetes.md#rbac): busybox's httpd as the
 * web process, scaled to 2, every pod up and listed ready, then deleted.
 */
@EnabledIfEnvironmentVariable(named = "DYNO_KUBERNETES_TEST_NAMESPACE", matches = ".+")
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class KubernetesClusterTest {
    @TempDir
    Path dir;

    @Test
    void busyboxWebPodsComeUpReadyAndAreDeletedOnClose() throws Exception {
        String namespace = System.getenv("DYNO_KUBERNETES_TEST_NAMESPACE");
        Files.writeString(dir.resolve("Procfile"), "web: httpd -f -p $PORT -h /tmp\n");
        App app = App.load(dir, "dyno-smoke", null);
        Recorder recorder = new Recorder();
        try (KubernetesClient client = Kubeconfig.client()) {
            KubernetesRuntime runtime = new KubernetesRuntime(client, app,
                    KubernetesSettings.of("busybox:1.36", namespace).withBootTimeout(Duration.ofMinutes(5)), recorder, recorder);
            try {
                runtime.start(Formation.of(List.of(new FormationEntry("web", 2, DynoSize.ECO))));
                await().atMost(Duration.ofMinutes(5)).until(() -> recorder.ready().size() == 2
                        && runtime.dynos().stream().filter(d -> d.state() == DynoState.UP).count() == 2);
            } finally {
                runtime.close();
            }
            assertThat(client.apps().deployments().inNamespace(namespace).withName("dyno-smoke-web").get()).isNull();
        }
    }
}
