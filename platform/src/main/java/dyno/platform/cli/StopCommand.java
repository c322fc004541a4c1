package dyno.platform.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno ps:stop TYPE|DYNO}: stop dynos; as on Heroku, the manager starts them again. */
@Command(name = "ps:stop", aliases = "ps:kill", description = "Stop a process type or a dyno (the manager starts it again; a one-off run.N ends).")
final class StopCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "TYPE|DYNO", arity = "1")
    String target;

    @Override
    public Integer call() {
        var client = app.client();
        var out = spec.commandLine().getOut();
        out.print("Stopping " + target + (target.contains(".") ? " dyno... " : " dynos... "));
        out.flush();
        client.post(client.appPath("/dynos/" + URLEncoder.encode(target, StandardCharsets.UTF_8) + "/actions/stop"), null);
        out.println("done");
        out.flush();
        return 0;
    }
}
