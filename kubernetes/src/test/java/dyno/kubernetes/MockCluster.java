package dyno.kubernetes;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;

/**
 * fabric8's mock API server in CRUD mode on 127.0.0.1, with a client for it. It stands in for a
 * Kubernetes API server, which cannot run here: it stores and watches objects but runs no
 * controller, so tests pair it with {@link FakeController}. Expectations ({@link #server()}) answer
 * what CRUD cannot, such as pod logs.
 */
public final class MockCluster implements AutoCloseable {
    /** Held so the JUL configuration stays: the mock logs every request at INFO. */
    private static final java.util.logging.Logger QUIET = java.util.logging.Logger.getLogger("io.fabric8");

    static {
        QUIET.setLevel(Level.WARNING);
    }

    private final KubernetesMockServer server;
    private final NamespacedKubernetesClient client;

    private MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        // the mixed dispatcher: expectations first, then CRUD
        this.server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        this.client = server.createClient();
    }

    /** Starts an empty cluster. */
    public static MockCluster start() {
        return new MockCluster();
    }

    public NamespacedKubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    @Override
    public void close() {
        client.close();
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // a connection a just-closed client left (a watch, a followed log) outlives the mock's
            // shutdown wait; the server stops listening all the same
        }
    }
}
