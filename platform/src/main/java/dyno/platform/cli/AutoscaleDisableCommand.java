package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.ApiException;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno ps:autoscale:disable [web]}: the formation stays as it is; the settings are kept. */
@Command(name = "ps:autoscale:disable", description = "Disable web dyno autoscaling (the dynos stay as they are).")
final class AutoscaleDisableCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "TYPE", arity = "0..1", defaultValue = "web", description = "Only web (the default).")
    String type;

    @Override
    public Integer call() {
        var client = app.client();
        String path = client.appPath("/formation/" + type + "/monitors");
        JsonNode list = client.get(path);
        if (list.isEmpty() || !list.get(0).path("is_active").asBoolean()) {
            throw new ApiException(0, client.daemon().app() + " does not have autoscale enabled");
        }
        var out = spec.commandLine().getOut();
        out.print("Disabling dyno autoscaling... ");
        out.flush();
        client.patch(path + "/" + list.get(0).path("id").asText(), Map.of("is_active", false));
        out.println("done");
        out.flush();
        return 0;
    }
}
