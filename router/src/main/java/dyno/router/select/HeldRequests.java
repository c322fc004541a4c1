package dyno.router.select;

import dyno.router.select.DynoTable.Held;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests parked while no dyno is available and holding is on, and whether the wake-up was asked
 * for already. Not thread-safe: {@link DynoTable} calls it under its lock, then releases what it
 * returns outside the lock with {@link #releaseAll}.
 */
final class HeldRequests {
    private static final Logger logger = LoggerFactory.getLogger(HeldRequests.class);

    private final ArrayDeque<Held> held = new ArrayDeque<>();
    private int max;
    private boolean holding;
    private boolean wakeSignalled;

    HeldRequests(int max) {
        this.max = max;
    }

    /** Changes the most requests held; those held beyond a lowered limit stay until released. */
    void max(int max) {
        this.max = max;
    }

    boolean holding() {
        return holding;
    }

    /** Turns holding on or off; turning it off hands back every held request to release. */
    Held[] holding(boolean on) {
        holding = on;
        if (on) {
            wakeSignalled = false;
            return null;
        }
        return takeAll();
    }

    /** Parks a request if there is room; false when full. */
    boolean offer(Held request) {
        if (held.size() >= max) {
            return false;
        }
        held.add(request);
        return true;
    }

    /** True the first time since a dyno was last available: the caller asks for a wake-up. */
    boolean claimWake() {
        boolean wake = !wakeSignalled;
        wakeSignalled = true;
        return wake;
    }

    /** A dyno is available: hands back every held request, and the next hold asks for a wake-up again. */
    Held[] dynoAvailable() {
        wakeSignalled = false;
        return takeAll();
    }

    void cancel(Held request) {
        held.remove(request);
    }

    int size() {
        return held.size();
    }

    private Held[] takeAll() {
        if (held.isEmpty()) {
            return null;
        }
        Held[] all = held.toArray(new Held[0]);
        held.clear();
        return all;
    }

    /** Releases requests handed back by this class; call it outside the table's lock. */
    static void releaseAll(Held[] requests) {
        if (requests == null) {
            return;
        }
        for (Held h : requests) {
            try {
                h.release();
            } catch (RuntimeException e) {
                logger.warn("Releasing a held request failed", e);
            }
        }
    }
}
