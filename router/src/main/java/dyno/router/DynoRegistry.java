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
     * Registers a dyno with a weight, 0..256: its share of new requests relative to the others
     * (default 1); 0 registers it drained, sending it nothing until its weight is raised.
     */
    void add(String name, InetSocketAddress address, int weight);

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
     * and the weight carry over. Registers the dyno when the name is unknown. The future completes
     * when the old address is drained or the deadline passed.
     */
    CompletableFuture<Void> replace(String name, InetSocketAddress address, Duration drainDeadline);

    /**
     * Sets the named dyno's weight, 0..256, for new requests (requests in flight are unaffected);
     * 0 drains it: it keeps its registration and its in-flight requests but gets nothing new, and a
     * router whose dynos all have weight 0 answers as when none is up (H10, or holds). Ignores an
     * unknown name.
     */
    void weight(String name, int weight);

    /**
     * HAProxy's {@code set server state drain}: the dyno stays registered, with its weight, but gets
     * no new request ({@link AdminState#DRAIN}); a router whose dynos are all drained or in
     * maintenance answers as when none is up (H10, or holds). The future completes when its
     * in-flight requests (at its address and at any it is draining from) are done, or when the
     * deadline passed, whichever is first; at once for an unknown name. It completes exceptionally
     * with a {@link java.util.concurrent.CancellationException} when {@link #markUp} comes first.
     * {@link #markUp} sends it traffic again.
     */
    CompletableFuture<Void> drain(String name, Duration deadline);

    /**
     * Maintenance ({@link AdminState#MAINT}): keeps the dyno registered, with its weight, but sends
     * it no new request (all down: H10, or holds). Ignores an unknown name.
     */
    void markDown(String name);

    /**
     * {@link AdminState#READY}, from {@link AdminState#DRAIN} or {@link AdminState#MAINT}: new
     * requests reach the dyno again at its weight (if healthy). Ignores an unknown name.
     */
    void markUp(String name);

    /** While on, a request that finds no dyno up waits (H20 after the hold timeout) instead of H14/H10. */
    void hold(boolean holding);

    /** Names of the registered dynos, in any state and of any weight, in registration order. */
    List<String> names();

    /** Requests currently in flight to the named dyno, at its address and at any it is draining from; 0 for an unknown name. */
    int inFlight(String name);

    /** Requests currently held, waiting for a dyno to come up. */
    int held();

    /** Every registered dyno, in registration order: weight, admin state, health, requests in flight. */
    List<BackendStatus> status();
}
