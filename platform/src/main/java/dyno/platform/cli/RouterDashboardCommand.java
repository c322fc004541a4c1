package dyno.platform.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno router:dashboard}: a one-time login link to a running router's dashboard. */
@Command(name = "router:dashboard", description = "Print (or open) a one-time link to a running dyno router's live"
        + " dashboard.")
final class RouterDashboardCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    RouterTarget router;
    @Option(names = "--open", description = "Open the link in the desktop's browser (xdg-open).")
    boolean open;

    @Override
    public Integer call() {
        return DashboardCommand.printLogin(spec, router.client(), open);
    }
}
