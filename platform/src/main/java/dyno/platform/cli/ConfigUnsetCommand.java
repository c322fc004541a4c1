package dyno.platform.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno config:unset K...}: a new release without those vars; the dynos restart onto it. */
@Command(name = "config:unset", description = "Unset config vars (KEY...): makes a new release and restarts the dynos, rolling.")
final class ConfigUnsetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "KEY", arity = "1..*")
    List<String> keys = new ArrayList<>();

    @Override
    public Integer call() {
        Map<String, String> changes = new HashMap<>();
        keys.forEach(k -> changes.put(k, null));
        var client = app.client();
        var out = spec.commandLine().getOut();
        out.print("Unsetting " + String.join(", ", keys) + " and restarting " + client.daemon().app() + "... ");
        out.flush();
        client.patch(client.appPath("/config-vars"), changes);
        out.println("done, v" + ReleasesCommand.latest(client).path("version").asInt());
        out.flush();
        return 0;
    }
}
