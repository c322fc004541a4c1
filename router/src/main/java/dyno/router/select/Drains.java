package dyno.router.select;

import dyno.router.select.DynoTable.Membership;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynos on their way out of a {@link DynoTable}, and the futures that say when they are out.
 * <b>Leaving</b>: removed or replaced ({@link DynoTable#remove}, {@link DynoTable#replace}); out of
 * the table's membership already, a leaving dyno finishes its requests and is forgotten once none
 * is in flight or at the drain deadline, whichever comes first: the table's
 * {@link DynoTable.Membership} watchers are told (pools drop its connections) and
 * {@code Dyno.drained} completes. <b>Admin drain</b> ({@link DynoTable#drain(String, Duration)}): a
 * member set to DRAIN stays registered; its {@code idle} future completes once none of its
 * requests is in flight, and fails if it is set ready first. The future the caller gets also waits
 * for the leaving dynos of the same name, and completes at the deadline in any case.
 *
 * <p>Locking. No lock of its own: the table's one lock guards the leaving list and each dyno's
 * {@code leaving}, {@code removed} and {@code idle} fields, so these steps are atomic with the
 * table's changes:
 * <ul>
 *   <li>a dyno joins the leaving list in the locked section that takes it out of the membership and
 *       publishes the snapshot without it ({@link #leaveLocked}), so the table's counts per name
 *       ({@link #inFlightLocked}) see its requests exactly once;
 *   <li>an admin drain's idle future is made in the locked section that sets DRAIN
 *       ({@link #drainLocked}) and failed in the one that sets READY ({@link #readyLocked}): no change
 *       of admin state slips in between;
 *   <li>{@link #forget} checks and sets {@code removed} in one locked section: the deadline task and
 *       the end of the last request may race, and one of them forgets the dyno.
 * </ul>
 * The request path takes no lock and calls nothing here, but for the rare request that ends a
 * closed dyno's last one ({@link DynoTable#release} calls {@link #idle}). Futures complete and
 * watchers are told outside the lock.
 */
final class Drains {
    private static final Logger logger = LoggerFactory.getLogger(Drains.class);

    private final Object lock; // the table's
    /** Dynos removed or replaced whose requests are still finishing; one name may be here more than once. */
    private final List<Dyno> leaving = new ArrayList<>(); // guarded by lock
    private final List<Membership> watchers; // the table's (copy on write)
    private final ScheduledExecutorService scheduler;

    Drains(Object lock, List<Membership> watchers, ScheduledExecutorService scheduler) {
        this.lock = lock;
        this.watchers = watchers;
        this.scheduler = scheduler;
    }

    // ---- leaving: removed or replaced ----

    /** A dyno the table has just taken out of its membership: closed to new requests, leaving; under the lock. */
    void leaveLocked(Dyno dyno) {
        dyno.leaving = true;
        dyno.updateClosedToNew();
        leaving.add(dyno);
    }

    /** After {@link #leaveLocked}, outside the lock: forgets the dyno once its requests are done, or at the deadline. */
    CompletableFuture<Void> forgetWhenDone(Dyno dyno, Duration deadline) {
        logger.debug("Draining {} ({} in flight)", dyno, dyno.inFlight());
        if (dyno.inFlight() == 0) {
            forget(dyno);
        } else {
            long nanos = Math.max(0, deadline.toNanos());
            scheduler.schedule(() -> forget(dyno), nanos, TimeUnit.NANOSECONDS);
        }
        return dyno.drained.thenApply(v -> null);
    }

    private void forget(Dyno dyno) {
        CompletableFuture<Void> idle;
        synchronized (lock) {
            if (dyno.removed) {
                return;
            }
            dyno.removed = true;
            leaving.remove(dyno);
            idle = dyno.idle;
            dyno.idle = null;
        }
        logger.debug("Forgot {} ({} still in flight)", dyno, dyno.inFlight());
        for (Membership m : watchers) {
            try {
                m.removed(dyno);
            } catch (RuntimeException e) {
                logger.warn("Membership watcher failed on removal of {}", dyno, e);
            }
        }
        dyno.drained.complete(null);
        if (idle != null) {
            idle.complete(null); // an admin drain of a dyno removed or replaced meanwhile: it is gone
        }
    }

    // ---- admin drain ----

    /**
     * A member the table has just set to DRAIN, under the lock: what its drain waits for, the
     * leaving dynos of the same name and its idle future (made now unless a drain is under way), for
     * {@link #untilDrained}.
     */
    List<CompletableFuture<Void>> drainLocked(Dyno dyno) {
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        for (Dyno d : leaving) {
            if (d.name().equals(dyno.name())) {
                pending.add(d.drained);
            }
        }
        if (dyno.idle == null) {
            dyno.idle = new CompletableFuture<>();
        }
        pending.add(dyno.idle);
        return pending;
    }

    /**
     * After {@link #drainLocked}, outside the lock: completes once all of {@code pending} have (failed
     * as the first that failed), or at the deadline.
     */
    CompletableFuture<Void> untilDrained(Dyno dyno, List<CompletableFuture<Void>> pending, Duration deadline) {
        logger.debug("Draining {} ({} in flight)", dyno, dyno.inFlight());
        if (dyno.inFlight() == 0) {
            idle(dyno); // none in flight (read after closedToNew was set): done now
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
            if (e == null) {
                done.complete(null);
            } else {
                done.completeExceptionally(e instanceof CompletionException c && c.getCause() != null ? c.getCause() : e);
            }
        });
        if (!done.isDone()) {
            ScheduledFuture<?> timeout = scheduler.schedule(() -> done.complete(null), Math.max(0, deadline.toNanos()),
                    TimeUnit.NANOSECONDS);
            done.whenComplete((v, e) -> timeout.cancel(false));
        }
        return done;
    }

    /** A member the table has just set READY, under the lock: an admin drain under way fails. */
    void readyLocked(Dyno dyno) {
        CompletableFuture<Void> idle = dyno.idle;
        if (idle != null) {
            dyno.idle = null;
            idle.completeExceptionally(new CancellationException(dyno.name() + " was set ready before it drained"));
        }
    }

    // ---- both ----

    /**
     * A dyno closed to new requests has none in flight, outside the lock: forgets it if leaving, else
     * ends its admin drain.
     */
    void idle(Dyno dyno) {
        if (dyno.leaving) {
            forget(dyno);
            return;
        }
        CompletableFuture<Void> done;
        synchronized (lock) {
            done = dyno.idle;
            if (done == null || dyno.inFlight() != 0) {
                return;
            }
            dyno.idle = null;
        }
        logger.debug("{} drained", dyno);
        done.complete(null);
    }

    /** Requests in flight at the leaving dynos named {@code name}; under the lock. */
    int inFlightLocked(String name) {
        int n = 0;
        for (Dyno d : leaving) {
            if (d.name().equals(name)) {
                n += d.inFlight();
            }
        }
        return n;
    }

    /** Adds the leaving dynos to {@code all}; under the lock. */
    void addLeavingLocked(List<Dyno> all) {
        all.addAll(leaving);
    }
}
