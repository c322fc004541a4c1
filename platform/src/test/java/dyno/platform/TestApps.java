package dyno.platform;

import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.router.RouterConfig;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.ManagerSettings;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Builds app directories that run examples/hello's processes, and daemons on ephemeral ports. */
final class TestApps {
    static final Path HELLO = Path.of("..", "examples", "hello").toAbsolutePath().normalize();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestApps() {
    }

    /** An app dir whose web and worker are examples/hello's, run from their absolute paths. */
    static Path helloApp(Path dir) throws IOException {
        String java = "java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto ";
        Files.writeString(dir.resolve("Procfile"),
                "web: " + java + HELLO.resolve("Web.java") + "\n"
                        + "worker: WORKER_INTERVAL_MS=200 " + java + HELLO.resolve("Worker.java") + "\n");
        return dir;
    }

    static DaemonOptions options(Path dir, List<String> formation, Duration idleAfter) {
        return new DaemonOptions(dir, null, null, formation, idleAfter,
                RouterConfig.builder().port(0).threads(1).build(),
                ManagerSettings.defaults().withBootTimeout(Duration.ofSeconds(30)).withStopTimeout(Duration.ofSeconds(5)));
    }

    static Daemon start(Path dir, List<LogLine> sink, List<String> formation, Duration idleAfter) {
        return Daemon.start(options(dir, formation, idleAfter), sink::add);
    }

    static List<LogLine> lines() {
        return new CopyOnWriteArrayList<>();
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(90)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
