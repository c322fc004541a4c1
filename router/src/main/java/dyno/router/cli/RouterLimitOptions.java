package dyno.router.cli;

import dyno.router.RouterConfig;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The router's timeouts and per-dyno in-flight limit: the same flags, defaults and checks on
 * {@code dyno router} and {@code dyno up}, which both mix this in:
 * <pre>{@code
 * @Mixin RouterLimitOptions limits;
 * ...
 * RouterConfig config = limits.applyTo(RouterConfig.builder()).build();
 * }</pre>
 * A flag left out keeps the builder's value (Heroku's, from {@link RouterConfig#defaults()}).
 */
public final class RouterLimitOptions {
    /** Shortest timeout a flag takes. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(1);
    /** Longest timeout a flag takes. */
    public static final Duration MAX_TIMEOUT = Duration.ofHours(24);
    /** Largest {@code --max-inflight-per-dyno}. */
    public static final int MAX_IN_FLIGHT_PER_DYNO = 100_000;

    @Option(names = "--connect-timeout", paramLabel = "DURATION",
            description = "Time to connect to a dyno; past it the next dyno is tried, then H19 (default: 5s).")
    String connectTimeout;

    @Option(names = "--request-timeout", paramLabel = "DURATION",
            description = "Time for a dyno's first response byte once the request is sent; past it 503 H12 (default: 30s).")
    String requestTimeout;

    @Option(names = "--idle-timeout", paramLabel = "DURATION",
            description = "Silence allowed while a request or response streams; past it H15 (dyno side) or"
                    + " H28 (client side); also for tunnels and idle keep-alive connections (default: 55s).")
    String idleTimeout;

    @Option(names = "--max-inflight-per-dyno", paramLabel = "N",
            description = "Requests in flight per up web dyno; past it (for the app: N x its up web dynos) 503 H11"
                    + " (default: 200).")
    String maxInFlightPerDyno;

    @Option(names = "--queue-timeout", paramLabel = "DURATION",
            description = "With it, --max-inflight-per-dyno is each dyno's limit and a request that finds every"
                    + " dyno at it waits up to this long for the first to free up (HAProxy's maxconn and queue), then"
                    + " 503 H11; 0 to 24h (default: 0, no queue: H11 past the app's limit at once).")
    String queueTimeout;

    @Option(names = "--slow-start", paramLabel = "DURATION",
            description = "Ramp a dyno's share of requests up over this time after it becomes eligible (scaled up,"
                    + " back up, out of maintenance), as HAProxy's slowstart; 0 to 1h (default: 0, at once).")
    String slowStart;

    /**
     * Checks the flags given and sets them on {@code builder}.
     *
     * @throws IllegalArgumentException naming the flag, the value and the range it takes
     */
    public RouterConfig.Builder applyTo(RouterConfig.Builder builder) {
        if (connectTimeout != null) {
            builder.connectTimeout(parseTimeout("--connect-timeout", connectTimeout));
        }
        if (requestTimeout != null) {
            builder.firstByteTimeout(parseTimeout("--request-timeout", requestTimeout));
        }
        if (idleTimeout != null) {
            builder.idleTimeout(parseTimeout("--idle-timeout", idleTimeout));
        }
        if (maxInFlightPerDyno != null) {
            builder.maxInFlightPerDyno(parseInFlight("--max-inflight-per-dyno", maxInFlightPerDyno));
        }
        if (slowStart != null) {
            builder.slowStart(parseSlowStart(slowStart));
        }
        if (queueTimeout != null) {
            builder.queueTimeout(queueTimeout.trim().matches("0(ms|s|m|h)?") ? Duration.ZERO
                    : parseTimeout("--queue-timeout", queueTimeout));
        }
        return builder;
    }

    /** A duration from {@link #MIN_TIMEOUT} to {@link #MAX_TIMEOUT}; the error names {@code option}. */
    public static Duration parseTimeout(String option, String value) {
        Duration d;
        try {
            d = RouterCommand.parseDuration(option, value);
        } catch (IllegalArgumentException e) {
            d = null;
        }
        if (d == null || d.compareTo(MIN_TIMEOUT) < 0 || d.compareTo(MAX_TIMEOUT) > 0) {
            throw new IllegalArgumentException(option + ": '" + value
                    + "' (expected: a duration from 1ms to 24h, such as 500ms, 5s, 2m)");
        }
        return d;
    }

    /** {@code 0} (off) or a duration up to 1h; the error names {@code --slow-start}. */
    static Duration parseSlowStart(String value) {
        String v = value == null ? "" : value.trim();
        if (v.equals("0") || v.matches("0(ms|s|m|h)")) {
            return Duration.ZERO;
        }
        Duration d;
        try {
            d = RouterCommand.parseDuration("--slow-start", v);
        } catch (IllegalArgumentException e) {
            d = null;
        }
        if (d == null || d.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("--slow-start: '" + value
                    + "' (expected: 0, or a duration up to 1h such as 30s)");
        }
        return d;
    }

    /** A whole number from 1 to {@link #MAX_IN_FLIGHT_PER_DYNO}; the error names {@code option}. */
    static int parseInFlight(String option, String value) {
        return parseWholeNumber(option, value, MAX_IN_FLIGHT_PER_DYNO);
    }

    /** A whole number from 1 to {@code max}; the error names {@code option}, the value and the range. */
    static int parseWholeNumber(String option, String value, int max) {
        String v = value == null ? "" : value.strip();
        int n = v.matches("\\d{1,9}") ? Integer.parseInt(v) : -1;
        if (n < 1 || n > max) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: a whole number from 1 to " + max + ")");
        }
        return n;
    }
}
