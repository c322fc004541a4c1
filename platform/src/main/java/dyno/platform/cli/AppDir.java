package dyno.platform.cli;

import dyno.platform.client.ApiClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --dir}: which app a command talks to (default: the current directory). */
final class AppDir {
    @Option(names = "--dir", paramLabel = "DIR", description = "App directory (default: current directory).")
    Path dir = Path.of(".");

    ApiClient client() {
        return ApiClient.forDir(dir);
    }
}
