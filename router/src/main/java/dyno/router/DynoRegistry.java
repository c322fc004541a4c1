package dyno.router;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** The dynos a router sends traffic to. Thread-safe; every method may be called from any thread. */
public interface DynoRegistry {

    /** Registers a dyno, up and healthy; replaces nothing (a name already registered is an error). */
    void add(String name, InetSocketAddress address);

    /**
     * Stops sending new requests to the dyno, then forgets it and closes its pooled connections.
     * The future completes when its in-flight requests are done or the deadline passed, whichever
     * is first; it completes at once for an unknown name.
     */
    CompletableFuture<Void> remove(String name, Duration drainDeadline);

    /**
     * Moves the named dyno to a new address in one step, as a preboot does: new requests go to
     * {@code address} at once, while requests in flight at the old address finish there (as in
     * {@link #remove}); the old address's pooled connections close once it is drained. The up flag
     * carries over. Registers the dyno when the name is unknown. The future completes when the
     * old address is drained or the deadline passed.
     */
    CompletableFuture<Void> replace(String name, InetSocketAddress address, Duration drainDeadline);

    /** Keeps the dyno registered but sends it no traffic (all down: H10). */
    void markDown(String name);

    /** Sends traffic to the dyno again (if healthy). */
    void markUp(String name);

    /** While on, a request that finds no dyno up waits (H20 after the hold timeout) instead of H14/H10. */
    void hold(boolean holding);

    /** Names of the registered dynos (draining ones included), in registration order. */
    List<String> names();

    /** Requests currently in flight to the named dyno, at its address and at any it is draining from; 0 for an unknown name. */
    int inFlight(String name);

    /** Requests currently held, waiting for a dyno to come up. */
    int held();
}
