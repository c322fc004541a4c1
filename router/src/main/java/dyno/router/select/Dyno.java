package dyno.router.select;

import static java.util.Objects.requireNonNull;

import dyno.router.AdminState;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One registered dyno and its live state. Identity matters: a dyno re-added under the same name is
 * a new object, so pools keyed by dyno never mix the old process with the new one.
 */
public final class Dyno {
    /** Largest weight, as in HAProxy. */
    public static final int MAX_WEIGHT = 256;
    /** Weight a dyno has unless told otherwise. */
    public static final int DEFAULT_WEIGHT = 1;

    private final String name;
    private final InetSocketAddress address;
    private final AtomicInteger inFlight = new AtomicInteger();
    final CompletableFuture<Void> drained = new CompletableFuture<>();

    // Written under the table's lock, read anywhere.
    volatile AdminState admin = AdminState.READY;
    volatile boolean healthy = true;
    volatile boolean quarantined;
    /** Removed or replaced: its requests finish, then it is forgotten. */
    volatile boolean leaving;
    volatile boolean removed;
    /** Leaving, or not READY: the one flag the request path reads to refuse it (see DynoTable.acquire). */
    volatile boolean closedToNew;
    volatile int weight = DEFAULT_WEIGHT;
    int quarantineToken; // guarded by the table's lock
    /** System.nanoTime() when it last became eligible: where its slow start ramp begins. Guarded by the table's lock. */
    long eligibleSince;
    /** Whether it was eligible at the last snapshot. Guarded by the table's lock. */
    boolean wasEligible;
    /** Completes when a drained dyno has no request in flight; null unless drained (see Drains). Guarded by the table's lock. */
    CompletableFuture<Void> idle;

    public Dyno(String name, InetSocketAddress address) {
        this.name = requireNonNull(name, "name");
        this.address = requireNonNull(address, "address");
    }

    public String name() {
        return name;
    }

    public InetSocketAddress address() {
        return address;
    }

    /** Requests routed to this dyno and not finished yet. */
    public int inFlight() {
        return inFlight.get();
    }

    AtomicInteger inFlightCounter() {
        return inFlight;
    }

    /** Share of new requests relative to the other dynos, 0..{@value #MAX_WEIGHT}; 0 means drained. */
    public int weight() {
        return weight;
    }

    /** Checks a weight: 0..{@value #MAX_WEIGHT}. */
    static int checkWeight(int weight) {
        if (weight < 0 || weight > MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0.." + MAX_WEIGHT + ")");
        }
        return weight;
    }

    /** True once the dyno was forgotten: its connections must not be pooled any more. */
    public boolean removed() {
        return removed;
    }

    /** Removed or replaced: it gets no new request and is forgotten once its requests are done. */
    public boolean leaving() {
        return leaving;
    }

    /** What an operator set: ready, drain or maintenance. */
    public AdminState admin() {
        return admin;
    }

    /** Recomputes {@link #closedToNew}; under the table's lock after a change of admin or leaving. */
    void updateClosedToNew() {
        closedToNew = leaving || admin != AdminState.READY;
    }

    boolean eligible() {
        return !closedToNew && healthy && !quarantined && !removed && weight > 0;
    }

    @Override
    public String toString() {
        return name + "@" + address.getHostString() + ":" + address.getPort();
    }
}
