package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dyno ps:autoscale:enable [web] --min 1 --max 8 --p95 300ms}: Heroku's web dyno autoscaling,
 * with {@code --window} and {@code --cooldown} to shorten Heroku's hour and minute for local runs.
 */
@Command(name = "ps:autoscale:enable", description = "Enable web dyno autoscaling on the p95 response time"
        + " (Heroku's: a one-hour window, events a minute apart, one dyno at a time).")
final class AutoscaleEnableCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "TYPE", arity = "0..1", defaultValue = "web", description = "Only web (the default).")
    String type;
    @Option(names = "--min", paramLabel = "N", required = true, description = "Fewest web dynos, at least 1.")
    int min;
    @Option(names = "--max", paramLabel = "N", required = true, description = "Most web dynos, up to 100.")
    int max;
    @Option(names = "--p95", paramLabel = "DURATION", description = "Desired p95 response time, e.g. 300ms"
            + " (a bare number is milliseconds, as Heroku's; default: 1000ms, or the current setting).")
    String p95;
    @Option(names = "--window", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Response times looked at, 1s..1h (default: 1h, Heroku's).")
    Duration window;
    @Option(names = "--cooldown", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Least time between two scaling events, 1s..1h (default: 1m, Heroku's).")
    Duration cooldown;
    @Option(names = "--notifications", description = "Accepted for Heroku's CLI; the upper limit is logged instead.")
    boolean notifications;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("action_type", "scale");
        body.put("is_active", true);
        body.put("min_quantity", min);
        body.put("max_quantity", max);
        if (p95 != null) {
            body.put("value", millis(p95));
        }
        if (window != null) {
            body.put("window_seconds", seconds("--window", window));
        }
        if (cooldown != null) {
            body.put("cooldown_seconds", seconds("--cooldown", cooldown));
        }
        var client = app.client();
        var out = spec.commandLine().getOut();
        out.print("Enabling dyno autoscaling... ");
        out.flush();
        JsonNode m = client.post(client.appPath("/formation/" + type + "/monitors"), body);
        out.println("done, " + AutoscaleStatus.describe(m));
        out.flush();
        return 0;
    }

    private static long millis(String value) {
        String v = value.trim();
        if (v.matches("\\d{1,9}")) {
            return Long.parseLong(v);
        }
        return dyno.router.cli.RouterCommand.parseDuration("--p95", v).toMillis();
    }

    private static long seconds(String option, Duration d) {
        if (d.toMillis() % 1000 != 0) {
            throw new IllegalArgumentException(option + ": " + d.toMillis() + "ms (expected: whole seconds, e.g. 30s)");
        }
        return d.toSeconds();
    }
}
