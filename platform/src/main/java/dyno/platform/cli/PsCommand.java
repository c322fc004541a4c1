package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno ps}: the app's dynos. */
@Command(name = "ps", description = "List the app's dynos.")
final class PsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = "--json", description = "Print the dyno list as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var client = app.client();
        JsonNode dynos = client.get(client.appPath("/dynos"));
        var out = spec.commandLine().getOut();
        out.print(json ? new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(dynos) + "\n"
                : PsFormat.dynos(dynos, Instant.now()));
        if (!json) {
            JsonNode monitors = client.get(client.appPath("/formation/web/monitors"));
            if (!monitors.isEmpty() && monitors.get(0).path("is_active").asBoolean()) {
                out.println("=== " + AutoscaleStatus.describe(monitors.get(0)));
            }
        }
        out.flush();
        return 0;
    }
}
