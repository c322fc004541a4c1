package dyno.runtime.manager;

import dyno.runtime.log.LogLine;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket on one dyno's output lines: at most {@code perSecond} lines a second, in bursts of
 * up to one second's worth; lines over that are dropped and counted for an L12 notice. Time is
 * passed in ({@code System.nanoTime()}), so tests need no sleeps. Thread-safe: the output reader of
 * the current process, one of a process still being drained, and the manager's timer share it.
 */
final class OutputLimiter {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    private final long perSecond;
    private double tokens;
    private long refilledAt;
    private long dropped;
    private long firstDropAt;
    private Instant droppedSince;

    /** {@code perSecond} 0 lets every line through. */
    OutputLimiter(int perSecond, long now) {
        if (perSecond < 0) {
            throw new IllegalArgumentException("perSecond: " + perSecond + " (expected: >= 0, 0 for no limit)");
        }
        this.perSecond = perSecond;
        this.tokens = perSecond;
        this.refilledAt = now;
    }

    /** Whether a line read at {@code now} may pass; when not, it is counted as dropped. */
    synchronized boolean admit(long now, Clock clock) {
        if (perSecond == 0) {
            return true;
        }
        long elapsed = now - refilledAt;
        if (elapsed > 0) {
            tokens = Math.min(perSecond, tokens + (double) elapsed * perSecond / SECOND);
            refilledAt = now;
        }
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        if (dropped++ == 0) {
            firstDropAt = now;
            droppedSince = clock.instant();
        }
        return false;
    }

    /**
     * The drops to report, once {@code minAgeNanos} have passed since the first unreported one (0:
     * whatever is pending, e.g. when the output ended); null when there is nothing to report yet.
     */
    synchronized Dropped report(long now, long minAgeNanos) {
        if (dropped == 0 || now - firstDropAt < minAgeNanos) {
            return null;
        }
        Dropped d = new Dropped(dropped, droppedSince);
        dropped = 0;
        droppedSince = null;
        return d;
    }

    /** {@code count} lines dropped since {@code since}. */
    record Dropped(long count, Instant since) {
        /** The L12 log event. */
        String message() {
            return "Error L12 (Local buffer overflow) -> " + count + " messages dropped since " + LogLine.timestamp(since);
        }
    }
}
