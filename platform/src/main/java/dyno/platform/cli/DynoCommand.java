package dyno.platform.cli;

import dyno.platform.client.ApiException;
import dyno.platform.daemon.DaemonException;
import dyno.router.cli.OneLineUsageErrors;
import dyno.router.cli.RouterCommand;
import dyno.router.cli.RouterHelp;
import java.util.List;
import dyno.runtime.app.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code dyno} command: runs a Procfile as dynos behind a router, Heroku style.
 *
 * <pre>{@code
 * dyno up --dir examples/hello
 * dyno ps:scale web=3
 * }</pre>
 */
@Command(name = "dyno", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "Run, route and scale web processes on one machine, the Heroku way.",
        subcommands = {UpCommand.class, PsCommand.class, ScaleCommand.class, TypeCommand.class, RestartCommand.class,
                StopCommand.class, PsWaitCommand.class, AutoscaleEnableCommand.class, AutoscaleDisableCommand.class, RunCommand.class, ConfigCommand.class, ConfigGetCommand.class,
                ConfigSetCommand.class, ConfigUnsetCommand.class, ReleasesCommand.class, LogsCommand.class, DownCommand.class, DashboardCommand.class, BenchCommand.class,
                CommandLine.HelpCommand.class})
public final class DynoCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        // picocli prints the message and the usage for a ParameterException: printing it here too showed it twice
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Runs the CLI and returns its exit status: 0 ok, 1 failure, 2 usage. */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new DynoCommand());
        // the router's own command, with the platform's runtime API, metrics and dashboard mixed in
        RouterAdmin admin = new RouterAdmin();
        cli.addSubcommand("router", RouterHelp.install(new CommandLine(new RouterCommand(admin)).addMixin("admin", admin)));
        for (Class<?> c : List.of(RouterBackendsCommand.class, RouterAddCommand.class, RouterDrainCommand.class,
                RouterSetCommand.class, RouterSetCommand.Down.class, RouterSetCommand.Up.class,
                RouterReloadCommand.class, RouterDashboardCommand.class)) {
            cli.addSubcommand(c);
        }
        // every subcommand answers --help (and -h, -V, --version), not only those that declare it
        for (CommandLine sub : cli.getSubcommands().values()) {
            if (!sub.getCommandSpec().mixinStandardHelpOptions()) {
                sub.getCommandSpec().mixinStandardHelpOptions(true);
            }
        }
        // a bad value is one line naming the flag, not the flag and then the whole usage
        cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            String name = cmd.getCommandSpec().qualifiedName(" ");
            if (e instanceof IllegalArgumentException || e instanceof ApiException || e instanceof DaemonException
                    || e instanceof ConfigException || e instanceof java.io.UncheckedIOException) {
                cmd.getErr().println(name + ": " + e.getMessage());
                return 1;
            }
            cmd.getErr().println(name + ": " + e);
            e.printStackTrace(cmd.getErr());
            return 1;
        });
        return cli.execute(args);
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }
}
