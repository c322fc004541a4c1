package dyno.platform.cli;

import dyno.platform.client.ApiClient;
import java.io.IOException;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno dashboard}: a one-time login link to the running app's dashboard. */
@Command(name = "dashboard", description = "Print (or open) a one-time link to the app's live dashboard.")
final class DashboardCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = "--open", description = "Open the link in the desktop's browser (xdg-open).")
    boolean open;

    @Override
    public Integer call() {
        return printLogin(spec, app.client(), open);
    }

    /** Asks {@code client}'s API for a login link and prints it (and opens it with {@code open}). */
    static int printLogin(CommandLine.Model.CommandSpec spec, ApiClient client, boolean open) {
        String url = client.post("/dashboard-logins", null).path("url").asText();
        var out = spec.commandLine().getOut();
        out.println(url);
        out.println("(the link signs this browser in once and expires in 5 minutes)");
        out.flush();
        if (open) {
            try {
                new ProcessBuilder("xdg-open", url).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            } catch (IOException e) {
                spec.commandLine().getErr().println("Cannot open a browser (" + e.getMessage() + "); open the link above.");
            }
        }
        return 0;
    }
}
