package dyno.router.proxy;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Bytes of request heads being received, over all connections of a router. Each head is bounded by
 * the head limit; this bounds their sum, so that many clients each holding an unfinished head
 * cannot exhaust the heap: a connection whose bytes would pass the budget is refused.
 */
final class HeadBudget {
    private final long limit;
    private final AtomicLong used = new AtomicLong();

    HeadBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        this.limit = limit;
    }

    /** An eighth of the heap: decoded headers take a few times their raw size. */
    static HeadBudget forHeap() {
        return new HeadBudget(Math.max(1 << 20, Runtime.getRuntime().maxMemory() / 8));
    }

    /** Takes {@code bytes} from the budget; false, taking nothing, when that would pass it. */
    boolean tryReserve(long bytes) {
        long now = used.addAndGet(bytes);
        if (now > limit) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }

    void release(long bytes) {
        used.addAndGet(-bytes);
    }

    long used() {
        return used.get();
    }

    long limit() {
        return limit;
    }
}
