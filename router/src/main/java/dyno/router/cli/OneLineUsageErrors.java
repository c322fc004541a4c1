package dyno.router.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Usage errors of a subcommand as one line, {@code dyno up: --request-timeout: '0s' (expected: ...)},
 * plus picocli's "did you mean" suggestions when there are some, instead of the whole usage; exit 2.
 * A command with subcommands (plain {@code dyno}) still gets its usage, which lists them.
 * <pre>{@code
 * cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
 * }</pre>
 */
public final class OneLineUsageErrors implements IParameterExceptionHandler {
    private final IParameterExceptionHandler withUsage;

    /** @param withUsage the handler for commands with subcommands (picocli's default prints the usage) */
    public OneLineUsageErrors(IParameterExceptionHandler withUsage) {
        this.withUsage = requireNonNull(withUsage, "withUsage");
    }

    @Override
    public int handleParseException(ParameterException ex, String[] args) throws Exception {
        CommandLine cmd = ex.getCommandLine();
        if (!cmd.getSubcommands().isEmpty()) {
            return withUsage.handleParseException(ex, args);
        }
        PrintWriter err = cmd.getErr();
        err.println(cmd.getCommandSpec().qualifiedName(" ") + ": " + ex.getMessage());
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.flush();
        return cmd.getCommandSpec().exitCodeOnInvalidInput();
    }
}
