package dyno.router.cli;

import dyno.router.RouterConfig;
import dyno.router.health.ExpectedStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import picocli.CommandLine.Option;

/**
 * Active health check flags, as HAProxy's {@code check inter/rise/fall}, {@code timeout check} and
 * {@code http-check expect status}: the same names, defaults and checks on {@code dyno router} and
 * {@code dyno up}, which both mix this in:
 * <pre>{@code
 * @Mixin HealthOptions health;
 * ...
 * RouterConfig config = health.applyTo(RouterConfig.builder()).build();
 * }</pre>
 * A flag left out keeps the builder's value ({@link RouterConfig#defaults()}).
 */
public final class HealthOptions {
    /** Shortest {@code --health-interval}. */
    public static final Duration MIN_INTERVAL = Duration.ofMillis(10);
    /** Largest {@code --health-rise} and {@code --health-fall}. */
    public static final int MAX_COUNT = 1000;
    private static final Pattern HOST = Pattern.compile("([A-Za-z0-9_.-]+|\\[[0-9A-Fa-f:.]+])(:\\d{1,5})?");

    @Option(names = "--health-path", paramLabel = "PATH",
            description = "Path of active health checks, GET on a fresh connection (default: none, no checks).")
    String path;

    @Option(names = "--health-interval", paramLabel = "DURATION",
            description = "Time between two checks of one backend, 10ms..24h (default: 5s).")
    String interval;

    @Option(names = "--health-timeout", paramLabel = "DURATION",
            description = "Time a check may take, connect included; past it the check fails, 1ms..24h (default: 2s).")
    String timeout;

    @Option(names = "--health-fall", paramLabel = "N",
            description = "Consecutive failed checks that take a backend out of rotation, 1..1000 (default: 3).")
    String fall;

    @Option(names = "--health-rise", paramLabel = "N",
            description = "Consecutive passed checks that bring it back, 1..1000 (default: 2).")
    String rise;

    @Option(names = "--health-status", paramLabel = "CODES",
            description = "Statuses that pass, as codes and ranges, e.g. 200-399 or 200,204,300-302 (default: 100-499).")
    String status;

    @Option(names = "--health-host", paramLabel = "HOST",
            description = "Host header of checks, e.g. app.local (default: the backend's HOST:PORT).")
    String host;

    /**
     * Checks the flags given and sets them on {@code builder}.
     *
     * @throws IllegalArgumentException naming the flag, the value and the range it takes
     */
    public RouterConfig.Builder applyTo(RouterConfig.Builder builder) {
        if (path != null) {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("--health-path: '" + path + "' (expected: a path starting with /)");
            }
            builder.healthPath(path);
        } else if (!tuning().isEmpty()) {
            throw new IllegalArgumentException(tuning().get(0) + ": needs --health-path (expected: --health-path PATH"
                    + " to turn active health checks on)");
        }
        if (interval != null) {
            Duration d = RouterLimitOptions.parseTimeout("--health-interval", interval);
            if (d.compareTo(MIN_INTERVAL) < 0) {
                throw new IllegalArgumentException("--health-interval: '" + interval
                        + "' (expected: a duration from 10ms to 24h, such as 500ms, 5s, 2m)");
            }
            builder.healthInterval(d);
        }
        if (timeout != null) {
            builder.healthTimeout(RouterLimitOptions.parseTimeout("--health-timeout", timeout));
        }
        if (fall != null) {
            builder.fall(parseCount("--health-fall", fall));
        }
        if (rise != null) {
            builder.rise(parseCount("--health-rise", rise));
        }
        if (status != null) {
            try {
                builder.healthStatus(ExpectedStatus.parse(status));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--health-status: " + e.getMessage(), e);
            }
        }
        if (host != null) {
            builder.healthHost(parseHost(host));
        }
        return builder;
    }

    private List<String> tuning() {
        List<String> given = new ArrayList<>();
        String[][] flags = {{"--health-interval", interval}, {"--health-timeout", timeout}, {"--health-fall", fall},
                {"--health-rise", rise}, {"--health-status", status}, {"--health-host", host}};
        for (String[] f : flags) {
            if (f[1] != null) {
                given.add(f[0]);
            }
        }
        return given;
    }

    /** A whole number from 1 to {@link #MAX_COUNT}; the error names {@code option}. */
    static int parseCount(String option, String value) {
        return RouterLimitOptions.parseWholeNumber(option, value, MAX_COUNT);
    }

    /** A host name or address with an optional port; the error names {@code --health-host}. */
    static String parseHost(String value) {
        String v = value == null ? "" : value.strip();
        var m = HOST.matcher(v);
        if (!m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2).substring(1)) > 65535)) {
            throw new IllegalArgumentException("--health-host: '" + value
                    + "' (expected: a host name with an optional port, such as app.local or app.local:8080)");
        }
        return v;
    }
}
