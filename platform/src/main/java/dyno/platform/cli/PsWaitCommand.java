package dyno.platform.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno ps:wait}: returns once every dyno is up on the latest release. */
@Command(name = "ps:wait", description = "Wait until every dyno (of --type) is up on the latest release.")
final class PsWaitCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = {"-t", "--type"}, paramLabel = "TYPE", description = "Wait only for dynos of this process type.")
    String type;
    @Option(names = {"-w", "--wait-interval"}, paramLabel = "SECONDS", description = "Seconds between checks (default: ${DEFAULT-VALUE}).")
    double interval = 1;
    @Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Give up after this long, exit 1 (default: 10m).")
    Duration timeout = Duration.ofMinutes(10);

    @Override
    public Integer call() {
        if (!(interval >= 0.1 && interval <= 3600)) {
            throw new IllegalArgumentException("--wait-interval: " + interval + " (expected: 0.1..3600 seconds)");
        }
        FormationWait.await(app.client(), type, Duration.ofMillis((long) (interval * 1000)), timeout,
                spec.commandLine().getOut());
        return 0;
    }
}
