package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno config:set K=V...}: a new release with those vars; the dynos restart onto it. */
@Command(name = "config:set", description = "Set config vars (KEY=VALUE...): makes a new release and restarts the dynos, rolling.")
final class ConfigSetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "KEY=VALUE", arity = "1..*")
    List<String> pairs = new ArrayList<>();

    @Override
    public Integer call() {
        Map<String, String> changes = new LinkedHashMap<>();
        for (String p : pairs) {
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("\"" + p + "\": expected KEY=VALUE");
            }
            changes.put(p.substring(0, eq), p.substring(eq + 1));
        }
        var client = app.client();
        var out = spec.commandLine().getOut();
        out.print("Setting " + String.join(", ", changes.keySet()) + " and restarting " + client.daemon().app() + "... ");
        out.flush();
        JsonNode vars = client.patch(client.appPath("/config-vars"), changes);
        out.println("done, v" + ReleasesCommand.latest(client).path("version").asInt());
        JsonNode set = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode();
        changes.keySet().forEach(k -> ((com.fasterxml.jackson.databind.node.ObjectNode) set).set(k, vars.path(k)));
        out.print(ConfigCommand.aligned(set));
        out.flush();
        return 0;
    }
}
