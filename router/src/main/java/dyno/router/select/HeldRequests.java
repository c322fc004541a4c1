package dyno.router.select;

import dyno.router.select.WaitingRoom.Held;
import java.util.ArrayDeque;

/**
 * Requests parked while no dyno is available and holding is on, and whether the wake-up was asked
 * for already. Not thread-safe: {@link WaitingRoom} calls it under the table's lock, then releases
 * what it returns outside the lock with {@link WaitingRoom#releaseAll}.
 */
final class HeldRequests {
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
}
