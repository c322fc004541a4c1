package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno config:get KEY}: one config var's value, nothing when it is not set. */
@Command(name = "config:get", description = "Print one config var's value (an empty line when it is not set).")
final class ConfigGetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "KEY")
    String key;

    @Override
    public Integer call() {
        var client = app.client();
        JsonNode vars = client.get(client.appPath("/config-vars"));
        var out = spec.commandLine().getOut();
        out.println(vars.path(key).asText(""));
        out.flush();
        return 0;
    }
}
