package dyno.router.select;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests waiting for room at a dyno, as HAProxy's backend queue behind per-server {@code maxconn}:
 * when every dyno has its most requests in flight, a request waits here until one ends, and takes
 * that request's place at its dyno (handed over, so no newcomer can take it first). First in, first
 * out. The deque is guarded by the table's lock; the count is read without it on every request's
 * end, so a request that ends finds a waiting one (see {@link WaitingRoom}).
 */
final class RequestQueue {
    private final ArrayDeque<WaitingRoom.Queued> queue = new ArrayDeque<>();
    /** Queued requests, and requests about to look for room before queueing. */
    final AtomicInteger waiting = new AtomicInteger();
    private int max;

    RequestQueue(int max) {
        this.max = max;
    }

    void max(int next) {
        max = next;
    }

    /** Parks a request if there is room; false when full. Guarded by the table's lock. */
    boolean offer(WaitingRoom.Queued request) {
        if (queue.size() >= max) {
            return false;
        }
        queue.add(request);
        return true;
    }

    /** The oldest request, or null. Guarded by the table's lock. */
    WaitingRoom.Queued poll() {
        WaitingRoom.Queued h = queue.poll();
        if (h != null) {
            waiting.decrementAndGet();
        }
        return h;
    }

    /**
     * Every request, as held requests that route again when released (a dyno was added or came
     * back). Guarded by the table's lock.
     */
    WaitingRoom.Held[] takeAll() {
        if (queue.isEmpty()) {
            return null;
        }
        WaitingRoom.Held[] all = new WaitingRoom.Held[queue.size()];
        for (int i = 0; i < all.length; i++) {
            WaitingRoom.Queued q = queue.poll();
            all[i] = () -> q.assign(null);
        }
        waiting.addAndGet(-all.length);
        return all;
    }

    /** Withdraws a request (it timed out or its client left). Guarded by the table's lock. */
    void cancel(WaitingRoom.Queued request) {
        if (queue.remove(request)) {
            waiting.decrementAndGet();
        }
    }

    int size() {
        return queue.size();
    }
}
