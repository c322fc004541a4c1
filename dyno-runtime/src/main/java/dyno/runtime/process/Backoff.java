package dyno.runtime.process;

import java.time.Duration;

/**
 * Crash cool-off: the first restart is immediate, then the wait doubles from {@code base} up to
 * {@code cap}. A pure value, so tests need no sleeps.
 */
public record Backoff(Duration base, Duration cap) {
    /** 1 s doubling to 5 min. */
    public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(5));

    public Backoff {
        if (base.isNegative() || cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff: base " + base + ", cap " + cap + " (expected: 0 <= base <= cap)");
        }
    }

    /** The wait before restart number {@code attempt} (0 = the first restart after a crash). */
    public Duration delayFor(int attempt) {
        if (attempt <= 0) {
            return Duration.ZERO;
        }
        long baseMillis = base.toMillis();
        long capMillis = cap.toMillis();
        int shift = attempt - 1;
        // base << shift would overflow (and wrap to 0 or a negative) once it needs more than 62 bits
        if (baseMillis == 0) {
            return Duration.ZERO;
        }
        if (shift >= Long.numberOfLeadingZeros(baseMillis) - 1 || (baseMillis << shift) > capMillis) {
            return cap;
        }
        return Duration.ofMillis(baseMillis << shift);
    }
}
