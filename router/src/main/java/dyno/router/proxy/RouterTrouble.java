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

    private RouterTrouble() {
    }

    /** The router could not open a connection to a dyno: it ran out of file descriptors. */
    static void outOfDescriptors(Logger logger, Throwable cause) {
        if (logger == null) {
            return; // preloading
        }
        long failures = descriptorFailures.incrementAndGet();
        long now = System.currentTimeMillis();
        long last = lastDescriptorWarning.get();
        if (now - last >= INTERVAL_MILLIS && lastDescriptorWarning.compareAndSet(last, now)) {
            logger.warn("Router out of file descriptors ({} connects failed so far): answering H99; raise the open-file"
                    + " limit (ulimit -n) or lower --max-connections. {}", failures, String.valueOf(cause));
        }
    }
}
