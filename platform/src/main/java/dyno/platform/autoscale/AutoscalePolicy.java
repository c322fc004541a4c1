package dyno.platform.autoscale;

import java.time.Duration;

/**
 * Heroku's web dyno autoscaling settings: the dyno range, the desired p95 response time, and (Dyno's
 * additions, to shorten both for local runs) the window of response times looked at and the least
 * time between two scaling events. Heroku's own: a one-hour window, one minute apart.
 *
 * @param active whether the autoscaler acts (a disabled policy keeps its settings, as on Heroku)
 */
public record AutoscalePolicy(boolean active, int min, int max, Duration p95, Duration window, Duration cooldown) {
    /** Heroku's window: the past hour. */
    public static final Duration DEFAULT_WINDOW = Duration.ofHours(1);
    /** Heroku's least time between two autoscaling events. */
    public static final Duration DEFAULT_COOLDOWN = Duration.ofMinutes(1);
    /** The Heroku CLI's p95 when none is given. */
    public static final Duration DEFAULT_P95 = Duration.ofMillis(1000);
    /** Most web dynos a formation may hold. */
    public static final int MAX_DYNOS = 100;

    /**
     * @throws IllegalArgumentException naming the field and its range
     */
    public AutoscalePolicy {
        if (min < 1 || min > MAX_DYNOS) {
            throw new IllegalArgumentException("min: " + min + " (expected: 1.." + MAX_DYNOS + "; Heroku's minimum is 1)");
        }
        if (max < min || max > MAX_DYNOS) {
            throw new IllegalArgumentException("max: " + max + " (expected: " + min + ".." + MAX_DYNOS + ", at least min)");
        }
        check("p95", p95, Duration.ofMillis(1), Duration.ofMinutes(10));
        check("window", window, Duration.ofSeconds(1), DEFAULT_WINDOW);
        check("cooldown", cooldown, Duration.ofSeconds(1), Duration.ofHours(1));
    }

    private static void check(String field, Duration d, Duration least, Duration most) {
        if (d == null || d.compareTo(least) < 0 || d.compareTo(most) > 0) {
            throw new IllegalArgumentException(field + ": " + (d == null ? "missing" : d.toMillis() + "ms")
                    + " (expected: " + human(least) + " to " + human(most) + ")");
        }
    }

    /** {@code 300ms}, {@code 5s}, {@code 2m}, {@code 1h}: the shortest exact form. */
    public static String human(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** This policy, on or off. */
    public AutoscalePolicy active(boolean on) {
        return new AutoscalePolicy(on, min, max, p95, window, cooldown);
    }
}
