package dyno.router.fuzz;

import dyno.router.DynoRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntSupplier;

/**
 * Registers the backend under a new dyno name for each fuzz iteration and removes it afterwards,
 * which closes its pooled connections: no connection, and so no leftover byte, outlives the
 * iteration that made it, and every finding reproduces from its own input.
 */
final class IterationDynos {
    /** How long the router may take to close a removed dyno's connections: a liveness bound, not a timing assert. */
    private static final long CLOSE_BOUND_MILLIS = 10_000;

    private final DynoRegistry registry;
    private final InetSocketAddress address;
    private final IntSupplier openConnections;
    private int next;

    IterationDynos(DynoRegistry registry, InetSocketAddress address, IntSupplier openConnections) {
        this.registry = registry;
        this.address = address;
        this.openConnections = openConnections;
    }

    /** Registers the backend under a fresh name and returns it. */
    String add() {
        String name = "fuzz." + (++next);
        registry.add(name, address);
        return name;
    }

    /**
     * Removes the dyno and waits until the backend has no connection left open; false if one
     * still was after the bound (the router kept a connection of a removed dyno).
     */
    boolean remove(String name) throws Exception {
        registry.remove(name, Duration.ofSeconds(1)).get(CLOSE_BOUND_MILLIS, TimeUnit.MILLISECONDS);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_BOUND_MILLIS);
        while (openConnections.getAsInt() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(200_000);
        }
        return true;
    }
}
