package dyno.platform.cli;

import dyno.platform.client.DaemonInfo;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dyno down}: stop the running app gracefully and wait until it is gone. */
@Command(name = "down", description = "Stop the running app gracefully.")
final class DownCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;

    @Override
    public Integer call() throws InterruptedException {
        var client = app.client();
        DaemonInfo daemon = client.daemon();
        var out = spec.commandLine().getOut();
        out.print("Stopping " + daemon.app() + "... ");
        out.flush();
        client.post(client.appPath("/actions/shutdown"), null);
        ProcessHandle.of(daemon.pid()).ifPresent(h -> {
            try {
                h.onExit().get(10, TimeUnit.MINUTES);
            } catch (Exception e) {
                throw new IllegalStateException("the daemon (pid " + daemon.pid() + ") did not stop: " + e.getMessage());
            }
        });
        out.println("done");
        out.flush();
        return 0;
    }
}
