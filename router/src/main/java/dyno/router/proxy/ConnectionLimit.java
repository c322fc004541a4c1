package dyno.router.proxy;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connections open at once, in all and per client address. Taken when a connection is
 * accepted, given back when it closes; called from every event loop, so lock-free apart from the
 * map's per-bin locking, and the map is only touched when the per-client limit is the tighter one.
 */
final class ConnectionLimit {
    private final int max;
    private final int maxPerClient;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perClient = new ConcurrentHashMap<>();

    ConnectionLimit(int max, int maxPerClient) {
        this.max = max;
        this.maxPerClient = maxPerClient;
    }

    /** Takes a place for a connection from {@code client} (null if unknown); false at either limit. */
    boolean tryAcquire(InetAddress client) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        if (client != null && maxPerClient < max) {
            int n = perClient.merge(client, 1, Integer::sum);
            if (n > maxPerClient) {
                releaseClient(client);
                open.decrementAndGet();
                return false;
            }
        }
        return true;
    }

    /** Gives back the place {@link #tryAcquire} took. */
    void release(InetAddress client) {
        if (client != null && maxPerClient < max) {
            releaseClient(client);
        }
        open.decrementAndGet();
    }

    private void releaseClient(InetAddress client) {
        perClient.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

    int max() {
        return max;
    }

    int maxPerClient() {
        return maxPerClient;
    }
}
