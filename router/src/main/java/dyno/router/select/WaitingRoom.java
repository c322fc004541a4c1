package dyno.router.select;

import dyno.router.RouterListener;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests waiting for a dyno, beside the {@link DynoTable} they wait on. <b>Held</b>: no dyno is
 * available and the platform holds ({@link DynoTable#hold}: the app wakes or restarts); they route
 * again when one becomes available or holding stops. <b>Queued</b> ({@code --queue-timeout}): every
 * dyno has its most requests in flight; the oldest takes the place of the next request that ends
 * ({@link #handOver}), and all route again when a dyno becomes available.
 *
 * <p>Locking. The room has no lock of its own: the table's one lock guards the held requests, the
 * queue, the holding and wake-up flags and both limits, so each of these steps is atomic with the
 * table's changes and with the others:
 * <ul>
 *   <li>the table publishes a snapshot with a dyno in it and takes the held requests out (and the
 *       queued ones, when the change may have made room) in one locked section
 *       ({@link #dynoAvailableLocked}); {@link #tryHold} and {@link #tryQueue} read the snapshot
 *       under the lock, so a request either parks before that section (and is released) or sees
 *       the new snapshot;
 *   <li>{@link #handOver} polls the queue and either keeps the ended request's place at its dyno for
 *       the polled one (the dyno's count never drops, so no newcomer selecting without the lock can
 *       take it) or uncounts it, in one locked section; {@link #tryQueue} looks for room in one too.
 * </ul>
 * The one thing read without the lock is {@link RequestQueue#waiting}, on every request's end
 * ({@link #anyWaiting}): {@link #tryQueue} counts itself in before it takes the lock and looks for
 * room, so a request that ends either sees it and hands over under the lock, or frees its place
 * before {@link #tryQueue} looks. Requests are released ({@link Held#release}, {@link Queued#assign})
 * and the wake-up asked for outside the lock.
 */
public final class WaitingRoom {
    private static final Logger logger = LoggerFactory.getLogger(WaitingRoom.class);

    /** A request waiting for a dyno; {@link #release()} may be called from any thread, at most once. */
    public interface Held {
        void release();
    }

    /** Outcome of {@link #tryHold(Held)}. */
    public enum HoldResult { HELD, NOT_HOLDING, DYNO_AVAILABLE, FULL }

    /**
     * A request waiting in the queue; {@link #assign} is called once, from any thread: with the dyno
     * whose place it takes (already counted against it, as by {@link DynoTable#acquire}), or with null
     * to route again.
     */
    public interface Queued {
        void assign(Dyno dynoOrNull);
    }

    /** What {@link #tryQueue} did: queued the request, found a dyno with room meanwhile, or found the queue full. */
    public enum QueueResult { QUEUED, ROOM, FULL }

    private final DynoTable table;
    private final Object lock; // the table's
    private final HeldRequests held; // guarded by lock
    private final RequestQueue queue; // guarded by lock, but for its waiting count
    /** {@code queue.waiting}, one hop nearer for {@link #anyWaiting} on every request's end. */
    private final AtomicInteger waiting;
    private final RouterListener listener;

    WaitingRoom(DynoTable table, Object lock, int max, RouterListener listener) {
        this.table = table;
        this.lock = lock;
        this.held = new HeldRequests(max);
        this.queue = new RequestQueue(max);
        this.waiting = queue.waiting;
        this.listener = listener;
    }

    /** Most requests held, and most queued; those beyond a lowered limit stay. */
    void max(int next) {
        synchronized (lock) {
            held.max(next);
            queue.max(next);
        }
    }

    // ---- held while no dyno is available ----

    /** Holds requests while no dyno is available, or stops: every held request routes again. */
    void hold(boolean on) {
        Held[] toRelease;
        synchronized (lock) {
            if (held.holding() == on) {
                return;
            }
            toRelease = held.holding(on);
        }
        releaseAll(toRelease);
    }

    /** Parks a request until a dyno is available or holding stops. */
    public HoldResult tryHold(Held request) {
        boolean wake;
        synchronized (lock) {
            if (!held.holding()) {
                return HoldResult.NOT_HOLDING;
            }
            if (!table.snapshot().isEmpty()) {
                return HoldResult.DYNO_AVAILABLE;
            }
            if (!held.offer(request)) {
                return HoldResult.FULL;
            }
            wake = held.claimWake();
        }
        if (wake) {
            try {
                listener.wakeRequested();
            } catch (RuntimeException e) {
                logger.warn("RouterListener.wakeRequested failed", e);
            }
        }
        return HoldResult.HELD;
    }

    /** Withdraws a held request (it timed out or its client left). */
    public void cancelHold(Held request) {
        synchronized (lock) {
            held.cancel(request);
        }
    }

    /** Requests held now. */
    int held() {
        synchronized (lock) {
            return held.size();
        }
    }

    // ---- queued while every dyno is full ----

    /**
     * Queues a request until a dyno has fewer than {@code limit} requests in flight (HAProxy's queue
     * behind {@code maxconn}); it is released to route again when a request ends or a dyno is added.
     */
    public QueueResult tryQueue(Queued request, int limit) {
        waiting.incrementAndGet(); // before looking for room: pairs with DynoTable.release
        synchronized (lock) {
            Snapshot s = table.snapshot();
            for (int i = 0; i < s.size(); i++) {
                if (s.get(i).inFlight() < limit) {
                    waiting.decrementAndGet();
                    return QueueResult.ROOM;
                }
            }
            if (s.isEmpty() || !queue.offer(request)) {
                waiting.decrementAndGet();
                return s.isEmpty() ? QueueResult.ROOM : QueueResult.FULL;
            }
            return QueueResult.QUEUED;
        }
    }

    /** Withdraws a queued request (it timed out or its client left). */
    public void cancelQueue(Queued request) {
        synchronized (lock) {
            queue.cancel(request);
        }
    }

    /** Requests queued now. */
    int queued() {
        synchronized (lock) {
            return queue.size();
        }
    }

    /** Whether a request is queued or about to look for room: a request that ends must {@link #handOver}. */
    boolean anyWaiting() {
        return waiting.get() > 0;
    }

    /**
     * Gives the place of a request that ended at {@code dyno} to the oldest queued request, or frees
     * it under the lock when none is queued yet (one counted in {@link RequestQueue#waiting} then finds
     * the place when it takes the lock).
     */
    void handOver(Dyno dyno) {
        Queued next;
        boolean keep;
        synchronized (lock) {
            next = queue.poll();
            keep = next != null && !dyno.closedToNew && dyno.eligible();
            if (!keep) {
                table.uncount(dyno);
            }
        }
        if (!keep) {
            table.uncounted(dyno);
        }
        if (next != null) {
            try {
                next.assign(keep ? dyno : null);
            } catch (RuntimeException e) {
                logger.warn("Handing a dyno to a queued request failed", e);
            }
        }
    }

    // ---- released when a dyno becomes available ----

    /**
     * The table just published a snapshot with a dyno in it, under its lock: every held request, and
     * every queued one too when the change may have made room (a dyno added, up, healthy, weighted, out
     * of quarantine), to release outside the lock with {@link #releaseAll}; null when none.
     */
    Held[] dynoAvailableLocked(boolean mayHaveRoom) {
        Held[] waitingHeld = held.dynoAvailable();
        Held[] queued = mayHaveRoom ? queue.takeAll() : null;
        if (queued == null) {
            return waitingHeld;
        }
        if (waitingHeld == null) {
            return queued;
        }
        Held[] both = Arrays.copyOf(queued, queued.length + waitingHeld.length);
        System.arraycopy(waitingHeld, 0, both, queued.length, waitingHeld.length);
        return both;
    }

    /** Releases requests handed back by {@link #dynoAvailableLocked} or {@link #hold}; call it outside the lock. */
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
