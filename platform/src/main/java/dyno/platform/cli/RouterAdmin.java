package dyno.platform.cli;

import dyno.platform.api.RouterApi;
import dyno.platform.client.DaemonInfo;
import dyno.platform.metrics.Metrics;
import dyno.router.RequestObserver;
import dyno.router.cli.RouterExtension;
import dyno.router.cli.RunningRouter;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Option;

/**
 * The platform's half of {@code dyno router}: its runtime API, {@code /metrics} and dashboard on
 * 127.0.0.1, and {@code DIR/.dyno/router-PORT.json} (mode 0600: the API's port and token), which the
 * {@code dyno router:*} commands read. Mixed into the router's command as options.
 */
final class RouterAdmin implements RouterExtension {
    @Option(names = "--api-port", paramLabel = "P", defaultValue = "0",
            description = "Port of the runtime API, metrics and dashboard on 127.0.0.1 (default: any free port;"
                    + " -1: none).")
    int apiPort;

    @Option(names = "--metrics-public", description = "Serve GET /metrics on the runtime API without the token.")
    boolean metricsPublic;

    @Option(names = "--dir", paramLabel = "DIR", defaultValue = ".",
            description = "Where .dyno/router-PORT.json (the API's port and token) is written (default: current"
                    + " directory).")
    Path dir;

    private final AtomicReference<Metrics> metrics = new AtomicReference<>();

    @Override
    public RequestObserver observer() {
        return (dyno, status, code, connect, service) -> {
            Metrics m = metrics.get();
            if (m != null) {
                m.router().requestCompleted(dyno, status, code, connect, service);
            }
        };
    }

    @Override
    public AutoCloseable started(RunningRouter running) throws IOException {
        if (apiPort < 0) {
            return () -> { };
        }
        if (apiPort > 65535) {
            throw new IllegalArgumentException("--api-port: " + apiPort + " (expected: 0..65535, or -1 for none)");
        }
        Metrics m = Metrics.forRouter(running.router().registry());
        metrics.set(m);
        m.start();
        LogBuffer logs = new LogBuffer();
        running.subscribe(line -> logs.accept(new LogLine(Instant.now(), LogLine.DYNO, "router", line)));
        String token = DaemonInfo.newToken();
        RouterApi api;
        try {
            api = new RouterApi(running, m, logs, token, ".dyno/router-PORT.json", apiPort, metricsPublic);
        } catch (IOException e) {
            m.close();
            throw e;
        }
        InfoFile info = new InfoFile(dir, api.port(), token);
        try {
            info.write(running.router().port());
        } catch (IOException e) {
            api.close();
            m.close();
            throw new IOException("cannot write " + info.path + ": " + e.getMessage(), e);
        }
        // a reload may move the listener: the file is named after the port the router listens on
        running.subscribe(line -> info.follow(running.router().port()));
        running.event("at=info desc=\"Runtime API\" url=http://127.0.0.1:" + api.port() + " token_file=" + info.path);
        return () -> {
            info.delete();
            api.close();
            m.close();
        };
    }

    /** {@code DIR/.dyno/router-PORT.json}, renamed when the router's port changes. */
    private static final class InfoFile {
        private final Path dir;
        private final int apiPort;
        private final String token;
        private Path path;
        private int port;

        InfoFile(Path dir, int apiPort, String token) {
            this.dir = dir.toAbsolutePath().normalize();
            this.apiPort = apiPort;
            this.token = token;
        }

        synchronized void write(int routerPort) throws IOException {
            Path next = file(dir, routerPort);
            Files.createDirectories(next.getParent());
            new DaemonInfo("router", ProcessHandle.current().pid(), apiPort, token, routerPort).writeTo(next);
            if (path != null && !path.equals(next)) {
                Files.deleteIfExists(path);
            }
            path = next;
            port = routerPort;
        }

        synchronized void follow(int routerPort) {
            if (routerPort != port) {
                try {
                    write(routerPort);
                } catch (IOException e) {
                    org.slf4j.LoggerFactory.getLogger(RouterAdmin.class).warn("cannot write {}: {}",
                            file(dir, routerPort), e.getMessage());
                }
            }
        }

        synchronized void delete() {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                // best effort: a stale file names a dead pid, which readers skip
            }
        }
    }

    /** {@code DIR/.dyno/router-PORT.json}. */
    static Path file(Path dir, int routerPort) {
        return dir.toAbsolutePath().normalize().resolve(".dyno").resolve("router-" + routerPort + ".json");
    }
}
