package dyno.router.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * One deadline of a connection, re-armed as its exchange moves on, used only on the connection's
 * event loop. Lazy: re-arming for a later deadline keeps the scheduled check, which re-schedules
 * itself for the rest when it finds the deadline moved; disarming only clears the deadline. So an
 * exchange costs no schedule/cancel pair (allocation and queue work on the loop), yet every deadline
 * fires when it is due. Only {@link #cancel()} (the connection is done) really cancels.
 */
final class LazyTimer {
    private final EventExecutor executor;
    private final Ticker ticker;
    private final Runnable onExpiry;
    private final Runnable check = this::check;
    private ScheduledFuture<?> scheduled;
    private long scheduledAtNanos;
    private long deadlineNanos;
    private boolean armed;

    LazyTimer(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.ticker = executor.ticker();
        this.onExpiry = onExpiry;
    }

    /** Fires {@code onExpiry} after {@code delayNanos}, replacing any earlier deadline. */
    void arm(long delayNanos) {
        long now = ticker.nanoTime();
        long deadline = now + Math.max(delayNanos, 1);
        deadlineNanos = deadline;
        armed = true;
        ScheduledFuture<?> t = scheduled;
        if (t != null) {
            if (scheduledAtNanos - deadline <= 0) {
                return; // the pending check comes first and re-schedules for the rest
            }
            t.cancel(false);
        }
        schedule(now, deadline);
    }

    /** No deadline; a check already scheduled finds nothing to do. */
    void disarm() {
        armed = false;
    }

    /** Disarms and cancels the scheduled check. */
    void cancel() {
        armed = false;
        ScheduledFuture<?> t = scheduled;
        if (t != null) {
            scheduled = null;
            t.cancel(false);
        }
    }

    private void schedule(long now, long at) {
        scheduledAtNanos = at;
        scheduled = executor.schedule(check, at - now, TimeUnit.NANOSECONDS);
    }

    private void check() {
        scheduled = null;
        if (!armed) {
            return;
        }
        long tick = ticker.nanoTime(); // the executor's clock, which schedules (mocked in tests)
        if (tick - deadlineNanos < 0) {
            schedule(tick, deadlineNanos);
            return;
        }
        armed = false;
        onExpiry.run();
    }
}
