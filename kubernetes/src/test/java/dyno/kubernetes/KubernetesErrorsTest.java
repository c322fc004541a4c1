package dyno.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.runtime.app.App;
import dyno.runtime.manager.DynoListener;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input and a cluster that says no fail {@link KubernetesRuntime#start} in one line and create
 * nothing. The mock API server stands in for a real one, which cannot run here.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class KubernetesErrorsTest {
    private static final EndpointListener NO_ENDPOINTS = new EndpointListener() {
        @Override
        public void changed(PodEndpoint endpoint) {
        }

        @Override
        public void removed(String dyno) {
        }
    };

    @TempDir
    Path dir;

    private App app() throws IOException {
        Files.writeString(dir.resolve("Procfile"), "web: ./server\n");
        return App.load(dir, "shop", null);
    }

    @Test
    void noImageIsRefusedNamingTheFlag() {
        assertThatThrownBy(() -> KubernetesSettings.of(" ", "default"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--image: missing");
        assertThatThrownBy(() -> KubernetesSettings.of("app:1", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--namespace:");
    }

    @Test
    void forbiddenByRbacFailsInOneLineAndCreatesNothing() throws IOException {
        try (MockCluster cluster = MockCluster.start()) {
            cluster.server().expect().get().withPath("/apis/apps/v1/namespaces/shop/deployments"
                            + "?labelSelector=app.kubernetes.io%2Fmanaged-by%3Ddyno%2Cdyno.dev%2Fapp%3Dshop")
                    .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"message\":\"deployments.apps is forbidden\"}").once();
            KubernetesRuntime runtime = new KubernetesRuntime(cluster.client(), app(), KubernetesSettings.of("app:1", "shop"),
                    new DynoListener() { }, NO_ENDPOINTS);

            assertThatThrownBy(() -> runtime.start(App.load(dir, "shop", null).defaultFormation()))
                    .isInstanceOf(KubernetesException.class)
                    .hasMessageStartingWith("kubernetes: forbidden to list deployments in namespace shop (HTTP 403)")
                    .hasMessageContaining("RBAC")
                    .hasMessageNotContaining("\n");
            runtime.close();
            assertThat(cluster.client().apps().deployments().inNamespace("shop").list().getItems()).isEmpty();
        }
    }

    @Test
    void unreachableApiServerFailsInOneLineNamingIt() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        String url = "http://127.0.0.1:" + port;
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(new ConfigBuilder()
                .withMasterUrl(url).withRequestRetryBackoffLimit(0).withConnectionTimeout(5_000).build()).build()) {
            KubernetesRuntime runtime = new KubernetesRuntime(client, app(), KubernetesSettings.of("app:1", "shop"),
                    new DynoListener() { }, NO_ENDPOINTS);

            assertThatThrownBy(() -> runtime.start(App.load(dir, "shop", null).defaultFormation()))
                    .isInstanceOf(KubernetesException.class)
                    .hasMessageStartingWith("kubernetes: cannot reach the API server at " + url)
                    .hasMessageNotContaining("\n");
            runtime.close();
        }
    }
}
