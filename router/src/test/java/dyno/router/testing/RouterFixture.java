package dyno.router.testing;

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
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;

/** A router on an ephemeral port plus test backends, closed together. */
public final class RouterFixture implements AutoCloseable {
    public final ConcurrentLinkedQueue<String> accessLines = new ConcurrentLinkedQueue<>();
    public final Router router;
    private final List<TestBackend> backends = new ArrayList<>();
    private final HttpClient client = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    public RouterFixture(UnaryOperator<RouterConfig.Builder> config, RouterListener listener) {
        RouterConfig.Builder b = RouterConfig.builder().port(0).threads(2).accessLog(AccessLogSink.lines(accessLines::add));
        this.router = Router.start(config.apply(b).build(), listener);
    }

    public RouterFixture(UnaryOperator<RouterConfig.Builder> config) {
        this(config, RouterListener.NONE);
    }

    public RouterFixture() {
        this(b -> b);
    }

    /** Starts a backend and registers it under the same name. */
    public TestBackend addBackend(String name) throws IOException {
        TestBackend backend = TestBackend.start(name);
        backends.add(backend);
        router.registry().add(name, backend.address());
        return backend;
    }

    public TestBackend startBackend(String name) throws IOException {
        TestBackend backend = TestBackend.start(name);
        backends.add(backend);
        return backend;
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + router.port() + path);
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20));
    }

    public HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return client.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler)
            throws IOException, InterruptedException {
        return client.send(request, handler);
    }

    public HttpClient client() {
        return client;
    }

    /** An address on 127.0.0.1 where nothing listens (bound then closed). */
    public static InetSocketAddress refusingAddress() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            return new InetSocketAddress("127.0.0.1", s.getLocalPort());
        }
    }

    /** The last access line mentioning the path, or null. */
    public String lastLineFor(String path) {
        String found = null;
        for (String line : accessLines) {
            if (line.contains("path=\"" + path + "\"")) {
                found = line;
            }
        }
        return found;
    }

    @Override
    public void close() {
        router.close();
        for (TestBackend b : backends) {
            b.close();
        }
    }
}
