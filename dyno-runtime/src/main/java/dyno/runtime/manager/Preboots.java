package dyno.runtime.manager;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Restarts one dyno at a time, Heroku's preboot for web dynos that serve: a successor boots on a
 * new port outside the table while the running process keeps serving; once up it takes the slot
 * and only then does the old run drain and stop. A successor that ends before it is up is
 * abandoned (the old one keeps serving); a slot stopped for good cancels its successor. Other
 * dynos are stopped and started again. Holds the waiters of restarts in progress, one per slot.
 * Manager thread only.
 */
final class Preboots {
    /** What preboots need of their manager. */
    interface Host {
        void event(String dyno, String message);

        /** Starts {@code d}'s process with the current release. */
        void launch(Dyno d);

        CompletableFuture<Void> stop(Dyno d, DynoState after, boolean relaunch);

        void setState(Dyno d, DynoState next);

        void publishIntent();

        boolean closed();

        /** Puts {@code d} in its slot of the table. */
        void takeSlot(Dyno d);

        /** Keeps {@code d} among the runs outside the table (booting successors, replaced runs stopping), or drops it. */
        void detached(Dyno d, boolean keep);
    }

    private final Clock clock;
    private final Host host;
    private final Map<String, CompletableFuture<Void>> awaitUp = new HashMap<>();

    Preboots(Clock clock, Host host) {
        this.clock = clock;
        this.host = host;
    }

    /**
     * Stops {@code d} and starts it again, or for a web dyno that serves, preboots it; completes
     * once it (or its successor) is up or crashed, or gone.
     */
    CompletableFuture<Void> restartOne(Dyno d) {
        // two restarts of the same dyno at once (restart and resize) share one wait
        CompletableFuture<Void> up = awaitUp.computeIfAbsent(d.name, n -> new CompletableFuture<>());
        if (d.type.isWeb() && d.state == DynoState.UP && d.running() && d.stop == null) {
            if (d.successor == null) {
                preboot(d);
            }
        } else {
            host.stop(d, DynoState.DOWN, true);
        }
        return up;
    }

    /** Starts the process that will take {@code d}'s place once it is up; {@code d} serves meanwhile. */
    private void preboot(Dyno d) {
        if (host.closed()) {
            release(d);
            return;
        }
        Dyno next = Dyno.successorOf(d, clock.instant());
        d.successor = next;
        host.detached(next, true);
        host.event(d.name, "Preboot: starting a new process; the running one serves until it is up");
        host.launch(next);
    }

    /** {@code next} is up: it takes its slot, and the run it replaces drains and stops. */
    void promote(Dyno next) {
        Dyno old = next.replacing;
        next.replacing = null;
        old.successor = null;
        host.detached(next, false);
        old.retired = true;
        host.takeSlot(next);
        if (old.running()) {
            host.detached(old, true);
        }
        host.event(next.name, "Preboot: the new process is up and takes the traffic; stopping the old one");
        host.setState(next, DynoState.UP);
        release(next);
        host.stop(old, DynoState.DOWN, false);
    }

    /** {@code next} ended before it was up: the preboot is over, and the running process keeps serving. */
    void abandon(Dyno next) {
        Dyno old = next.replacing;
        next.replacing = null;
        old.successor = null;
        host.detached(next, false);
        host.event(next.name, "Preboot failed: the new process ended before it was up; the old one keeps serving");
        if (!old.running() && !old.retired && !host.closed()) {
            host.launch(old); // the old one crashed meanwhile: it was waiting for its successor
        }
        host.publishIntent();
        release(old);
    }

    /** Ends a successor still booting: its slot is being stopped for good (scale down, idle, shutdown). */
    void cancel(Dyno d) {
        Dyno next = d.successor;
        d.successor = null;
        next.replacing = null;
        next.retired = true;
        host.event(d.name, "Preboot cancelled");
        host.stop(next, DynoState.DOWN, false);
    }

    /** A restart of {@code d}'s slot is over (up, crashed or gone): its waiter goes on. */
    void release(Dyno d) {
        CompletableFuture<Void> waiter = awaitUp.remove(d.name);
        if (waiter != null) {
            waiter.complete(null);
        }
    }
}
