package dyno.router.proxy;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Client connections open at once, in all and per client address. Taken when a connection is
 * accepted, given back when it closes; called from every event loop, so lock-free apart from the
 * map's per-bin locking, and the map is only touched when the per-client limit is the tighter one.
 * The limits are the caller's of the moment: lowered below what is open, they refuse new
 * connections until enough have closed.
 */
final class ConnectionLimit {
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> byClient = new ConcurrentHashMap<>();

    /** Whether a connection from {@code client} is counted per client under these limits; pass it to release. */
    static boolean perClient(InetAddress client, int max, int maxPerClient) {
        return client != null && maxPerClient < max;
    }

    /**
     * Takes a place for a connection from {@code client} (null if unknown); false at either limit.
     * {@code perClient} is {@link #perClient(InetAddress, int, int)} of the same limits.
     */
    boolean tryAcquire(InetAddress client, boolean perClient, int max, int maxPerClient) {
        if (open.incrementAndGet() > max) {
            open.decrementAndGet();
            return false;
        }
        if (perClient) {
            int n = byClient.merge(client, 1, Integer::sum);
            if (n > maxPerClient) {
                releaseClient(client);
                open.decrementAndGet();
                return false;
            }
        }
        return true;
    }

    /** Gives back the place {@link #tryAcquire} took, with the {@code perClient} it was taken with. */
    void release(InetAddress client, boolean perClient) {
        if (perClient) {
            releaseClient(client);
        }
        open.decrementAndGet();
    }

    private void releaseClient(InetAddress client) {
        byClient.computeIfPresent(client, (k, n) -> n == 1 ? null : n - 1);
    }

    /** Connections open now. */
    int open() {
        return open.get();
    }

}
