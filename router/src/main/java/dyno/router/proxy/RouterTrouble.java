package dyno.router.proxy;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * Warnings about the router's own resources (as opposed to a dyno's), at most one a minute each,
 * so that a flood of failures cannot flood the log.
 */
final class RouterTrouble {
    private static final long INTERVAL_MILLIS = 60_000;
    private static final AtomicLong lastDescriptorWarning = new AtomicLong();
    private static final AtomicLong descriptorFailures = new AtomicLong();

    private static final AtomicLong lastBudgetWarning = new AtomicLong();
    private static final AtomicLong budgetRefusals = new AtomicLong();

    private RouterTrouble() {
    }

    /** A connection was refused because request heads in progress hold the whole head budget. */
    static void headBudgetSpent(Logger logger, long used, long limit) {
        long refusals = budgetRefusals.incrementAndGet();
        if (due(lastBudgetWarning)) {
            logger.warn("Request heads in progress hold {} bytes of the router's {}-byte budget: refusing new heads with"
                    + " 503 ({} refused so far)", used, limit, refusals);
        }
    }

    private static boolean due(AtomicLong last) {
        long now = System.currentTimeMillis();
        long then = last.get();
        return now - then >= INTERVAL_MILLIS && last.compareAndSet(then, now);
    }

    /** The router could not open a connection to a dyno: it ran out of file descriptors. */
    static void outOfDescriptors(Logger logger, Throwable cause) {
        if (logger == null) {
            return; // preloading
        }
        long failures = descriptorFailures.incrementAndGet();
        if (due(lastDescriptorWarning)) {
            logger.warn("Router out of file descriptors ({} connects failed so far): answering H99; raise the open-file"
                    + " limit (ulimit -n) or lower --max-connections. {}", failures, String.valueOf(cause));
        }
    }
}
