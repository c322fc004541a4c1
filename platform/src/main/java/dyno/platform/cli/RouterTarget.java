package dyno.platform.cli;

import dyno.platform.client.ApiClient;
import dyno.platform.client.ApiException;
import dyno.platform.client.DaemonInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import picocli.CommandLine.Option;

/**
 * {@code --dir} and {@code --router}: which running {@code dyno router} a {@code router:*} command
 * talks to, through {@code DIR/.dyno/router-PORT.json}.
 */
final class RouterTarget {
    @Option(names = "--dir", paramLabel = "DIR", description = "Directory the router was started from, or its --dir"
            + " (default: current directory).")
    Path dir = Path.of(".");

    @Option(names = "--router", paramLabel = "PORT",
            description = "The router's port, when several run from DIR.")
    Integer port;

    ApiClient client() {
        Path abs = dir.toAbsolutePath().normalize();
        if (port != null) {
            Path f = RouterAdmin.file(abs, port);
            return new ApiClient(DaemonInfo.readLiveFile(f).orElseThrow(() -> new ApiException(0,
                    "no dyno router on port " + port + " started from " + abs + " (no live " + f + ")")));
        }
        List<DaemonInfo> live;
        try (Stream<Path> files = Files.exists(abs.resolve(".dyno")) ? Files.list(abs.resolve(".dyno")) : Stream.empty()) {
            live = files.filter(f -> f.getFileName().toString().matches("router-\\d+\\.json")).sorted()
                    .flatMap(f -> DaemonInfo.readLiveFile(f).stream()).toList();
        } catch (IOException e) {
            throw new ApiException(0, "cannot list " + abs.resolve(".dyno") + ": " + e.getMessage());
        }
        if (live.isEmpty()) {
            throw new ApiException(0, "no dyno router running from " + abs + " (no live .dyno/router-PORT.json)"
                    + "\nHint: start one with: dyno router --backend HOST:PORT, or pass its --dir");
        }
        if (live.size() > 1) {
            throw new ApiException(0, "several routers run from " + abs + " (ports "
                    + String.join(", ", live.stream().map(d -> Integer.toString(d.routerPort())).toList())
                    + "): choose one with --router PORT");
        }
        return new ApiClient(live.get(0));
    }
}
