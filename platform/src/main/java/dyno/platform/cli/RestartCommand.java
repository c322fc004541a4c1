package dyno.platform.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno ps:restart [TYPE|DYNO]}: restart dynos one at a time. */
@Command(name = "ps:restart", description = "Restart all dynos, a process type, or one dyno.")
final class RestartCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "TYPE|DYNO", arity = "0..1")
    String target;

    @Override
    public Integer call() {
        var client = app.client();
        var out = spec.commandLine().getOut();
        out.print(target == null ? "Restarting dynos... " : "Restarting " + target + (target.contains(".") ? " dyno... " : " dynos... "));
        out.flush();
        client.delete(client.appPath("/dynos" + (target == null ? "" : "/" + URLEncoder.encode(target, StandardCharsets.UTF_8))));
        out.println("done");
        out.flush();
        return 0;
    }
}
