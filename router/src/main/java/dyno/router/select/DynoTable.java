package dyno.router.select;

import static java.util.Objects.requireNonNull;

import dyno.router.AdminState;
import dyno.router.BackendStatus;
import dyno.router.DynoRegistry;
import dyno.router.RouterListener;
import dyno.router.select.WaitingRoom.Held;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry behind a router: membership, admin states (ready, drain, maintenance), health and
 * quarantine flags, leaving dynos, the selection strategy, the requests in flight. Requests waiting
 * for a dyno (held while the app wakes, queued while every dyno is full) are in its
 * {@link #waitingRoom()}.
 *
 * <p>Locking. One lock guards the membership ({@code byName}, {@code leaving}), the strategy, the
 * slow start clock and step, the dynos' mutable fields (see {@link Dyno}) and the waiting room's
 * state: mutations take it, publish a new {@link Snapshot} and, in the same locked section, take out
 * the waiting requests that snapshot lets through, released once the lock is let go (see
 * {@link WaitingRoom}). The request path takes no lock: it reads the volatile snapshot, selects,
 * and bumps atomic counters ({@link #acquire}, {@link #release}); only a request that ends while
 * others wait in the queue takes the lock, to hand its place over.
 */
public final class DynoTable implements DynoRegistry {
    private static final Logger logger = LoggerFactory.getLogger(DynoTable.class);

    /** Told when dynos join and leave, e.g. pools and health checks. */
    public interface Membership {
        void added(Dyno dyno);

        void removed(Dyno dyno);
    }

    private final Object lock = new Object();
    private final Map<String, Dyno> byName = new LinkedHashMap<>(); // guarded by lock
    /** Dynos removed or replaced whose requests are still finishing; one name may be here more than once. */
    private final List<Dyno> leaving = new ArrayList<>(); // guarded by lock
    private final WaitingRoom room; // shares lock
    private volatile Snapshot snapshot;

    private final AtomicInteger appInFlight = new AtomicInteger();
    private final List<Membership> watchers = new CopyOnWriteArrayList<>();
    private SelectionStrategy strategy; // guarded by lock; published in each snapshot
    private final ScheduledExecutorService scheduler;
    private volatile Duration quarantine;
    private volatile Duration slowStart = Duration.ZERO;
    private LongSupplier nanoClock = System::nanoTime; // guarded by lock
    private ScheduledFuture<?> rampStep; // guarded by lock

    public DynoTable(SelectionStrategy strategy, ScheduledExecutorService scheduler, Duration quarantine,
                     int maxHeld, RouterListener listener) {
        this.strategy = requireNonNull(strategy, "strategy");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.quarantine = requireNonNull(quarantine, "quarantine");
        this.room = new WaitingRoom(this, lock, maxHeld, requireNonNull(listener, "listener"));
        this.snapshot = new Snapshot(new Dyno[0], 0, strategy);
    }

    /** Picks with {@code next} from now on (the next snapshot is published at once). */
    public void strategy(SelectionStrategy next) {
        requireNonNull(next, "next");
        synchronized (lock) {
            strategy = next;
            rebuildLocked(); // same dynos: nothing becomes available, nothing to release
        }
    }

    /** How long a dyno whose connect failed gets no traffic, from its next failure on. */
    public void quarantinePeriod(Duration next) {
        quarantine = requireNonNull(next, "next");
    }

    /**
     * Ramps a dyno's share up over {@code period} each time it becomes eligible (HAProxy's
     * {@code slowstart}); zero: at once.
     */
    public void slowStart(Duration period) {
        slowStart = requireNonNull(period, "period");
        synchronized (lock) {
            rebuildLocked();
        }
    }

    /** The clock ramps are measured with (tests pass a fake one). */
    void nanoClock(LongSupplier clock) {
        synchronized (lock) {
            nanoClock = clock;
        }
    }

    /** Most requests held at once, and most queued; requests beyond a lowered limit stay. */
    public void maxHeld(int next) {
        if (next < 0) {
            throw new IllegalArgumentException("maxHeld: " + next + " (expected: >= 0)");
        }
        room.max(next);
    }

    /** Where requests wait for a dyno: held while none is available, queued while all are full. */
    public WaitingRoom waitingRoom() {
        return room;
    }

    public void watch(Membership membership) {
        watchers.add(requireNonNull(membership, "membership"));
    }

    /** The current snapshot; never null. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Picks a dyno from a non-empty snapshot, with the strategy it was published with. */
    public Dyno select(Snapshot candidates) {
        return candidates.strategy().select(candidates);
    }

    /** Requests in flight over all dynos. */
    public int appInFlight() {
        return appInFlight.get();
    }

    /**
     * Counts a request against the dyno; false (and nothing counted) if the dyno was drained, put in
     * maintenance, removed or replaced since the snapshot was taken.
     */
    public boolean acquire(Dyno dyno) {
        dyno.inFlightCounter().incrementAndGet();
        appInFlight.incrementAndGet();
        // Pairs with remove() and drain(): they set closedToNew then read inFlight; we bump inFlight then read it.
        if (dyno.closedToNew) {
            release(dyno);
            return false;
        }
        return true;
    }

    /**
     * Ends a request counted by {@link #acquire(Dyno)}. When requests wait in the queue, the oldest
     * takes its place at the dyno instead (handed over under the lock, so no newcomer takes it first).
     */
    public void release(Dyno dyno) {
        // tryQueue counts itself in before it looks for room, under the lock; so either we see it
        // here, or it sees the place we free below
        if (room.anyWaiting()) {
            room.handOver(dyno);
            return;
        }
        appInFlight.decrementAndGet();
        if (dyno.inFlightCounter().decrementAndGet() == 0 && dyno.closedToNew) {
            idle(dyno);
        }
    }

    /** Uncounts a request whose place {@link WaitingRoom#handOver} could not hand on; under the lock. */
    void uncount(Dyno dyno) {
        appInFlight.decrementAndGet();
        dyno.inFlightCounter().decrementAndGet();
    }

    /** After {@link #uncount}, outside the lock: a dyno closed to new requests may be idle now. */
    void uncounted(Dyno dyno) {
        if (dyno.inFlight() == 0 && dyno.closedToNew) {
            idle(dyno);
        }
    }

    /**
     * A dyno of {@code candidates} with fewer than {@code limit} requests in flight: the strategy's
     * pick, else the least busy one with room; null when every dyno is at its limit.
     */
    public Dyno selectWithRoom(Snapshot candidates, int limit) {
        Dyno d = select(candidates);
        if (d.inFlight() < limit) {
            return d;
        }
        Dyno best = null;
        for (int i = 0; i < candidates.size(); i++) {
            Dyno c = candidates.get(i);
            if (c.inFlight() < limit && (best == null || c.inFlight() < best.inFlight())) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public int queued() {
        return room.queued();
    }

    /** A dyno closed to new requests has none in flight: forget it if leaving, end its admin drain. */
    private void idle(Dyno dyno) {
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

    @Override
    public void add(String name, InetSocketAddress address) {
        add(name, address, Dyno.DEFAULT_WEIGHT);
    }

    @Override
    public void add(String name, InetSocketAddress address, int weight) {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: a dyno name such as web.1)");
        }
        Dyno dyno = new Dyno(name, address);
        dyno.weight = Dyno.checkWeight(weight);
        Held[] toRelease;
        synchronized (lock) {
            if (byName.containsKey(name)) {
                throw new IllegalArgumentException("name: " + name + " (expected: a name not registered yet)");
            }
            byName.put(name, dyno);
            toRelease = rebuildReleasingLocked();
        }
        logger.debug("Registered {}", dyno);
        for (Membership m : watchers) {
            m.added(dyno);
        }
        WaitingRoom.releaseAll(toRelease);
    }

    @Override
    public CompletableFuture<Void> remove(String name, Duration drainDeadline) {
        requireNonNull(name, "name");
        requireNonNull(drainDeadline, "drainDeadline");
        Dyno dyno;
        synchronized (lock) {
            dyno = byName.remove(name);
            if (dyno == null) {
                return CompletableFuture.completedFuture(null);
            }
            startDrainLocked(dyno);
            rebuildLocked(); // removing a dyno never makes one available: nothing to release
        }
        return drain(dyno, drainDeadline);
    }

    @Override
    public CompletableFuture<Void> replace(String name, InetSocketAddress address, Duration drainDeadline) {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        requireNonNull(drainDeadline, "drainDeadline");
        Dyno next = new Dyno(name, address);
        Dyno old;
        Held[] toRelease;
        synchronized (lock) {
            old = byName.get(name);
            if (old != null) {
                next.admin = old.admin;
                next.updateClosedToNew();
                next.weight = old.weight;
                startDrainLocked(old);
            }
            byName.put(name, next); // same key: keeps its place in the registration order
            toRelease = rebuildReleasingLocked();
        }
        logger.debug("Registered {} in place of {}", next, old);
        for (Membership m : watchers) {
            m.added(next);
        }
        WaitingRoom.releaseAll(toRelease);
        return old == null ? CompletableFuture.completedFuture(null) : drain(old, drainDeadline);
    }

    private void startDrainLocked(Dyno dyno) {
        dyno.leaving = true;
        dyno.updateClosedToNew();
        leaving.add(dyno);
    }

    /** Forgets a draining dyno once its requests are done, or at the deadline. */
    private CompletableFuture<Void> drain(Dyno dyno, Duration drainDeadline) {
        logger.debug("Draining {} ({} in flight)", dyno, dyno.inFlight());
        if (dyno.inFlight() == 0) {
            forget(dyno);
        } else {
            long nanos = Math.max(0, drainDeadline.toNanos());
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

    @Override
    public CompletableFuture<Void> drain(String name, Duration deadline) {
        requireNonNull(name, "name");
        requireNonNull(deadline, "deadline");
        CompletableFuture<Void> idle;
        Dyno dyno;
        Held[] toRelease;
        List<CompletableFuture<Void>> older = new ArrayList<>();
        synchronized (lock) {
            dyno = byName.get(name);
            if (dyno == null) {
                return CompletableFuture.completedFuture(null);
            }
            toRelease = setAdminLocked(dyno, AdminState.DRAIN);
            if (dyno.idle == null) {
                dyno.idle = new CompletableFuture<>();
            }
            idle = dyno.idle;
            for (Dyno d : leaving) {
                if (d.name().equals(name)) {
                    older.add(d.drained);
                }
            }
        }
        // the queued requests the new snapshot took out route again (to queue anew where every dyno is full)
        WaitingRoom.releaseAll(toRelease);
        logger.debug("Draining {} ({} in flight)", dyno, dyno.inFlight());
        if (dyno.inFlight() == 0) {
            idle(dyno); // none in flight (read after closedToNew was set): done now
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        older.add(idle);
        CompletableFuture.allOf(older.toArray(new CompletableFuture<?>[0])).whenComplete((v, e) -> {
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

    @Override
    public void markDown(String name) {
        setAdmin(name, AdminState.MAINT);
    }

    @Override
    public void markUp(String name) {
        setAdmin(name, AdminState.READY);
    }

    private void setAdmin(String name, AdminState admin) {
        requireNonNull(name, "name");
        Held[] toRelease;
        synchronized (lock) {
            Dyno dyno = byName.get(name);
            if (dyno == null || dyno.admin == admin) {
                return;
            }
            toRelease = setAdminLocked(dyno, admin);
        }
        WaitingRoom.releaseAll(toRelease);
    }

    private Held[] setAdminLocked(Dyno dyno, AdminState admin) {
        if (dyno.admin != admin) {
            logger.debug("{} {} -> {}", dyno, dyno.admin, admin);
        }
        dyno.admin = admin;
        dyno.updateClosedToNew();
        if (admin == AdminState.READY && dyno.idle != null) {
            CompletableFuture<Void> idle = dyno.idle;
            dyno.idle = null;
            idle.completeExceptionally(new CancellationException(dyno.name() + " was set ready before it drained"));
        }
        return rebuildReleasingLocked();
    }

    @Override
    public void weight(String name, int weight) {
        requireNonNull(name, "name");
        Dyno.checkWeight(weight);
        Held[] toRelease;
        synchronized (lock) {
            Dyno dyno = byName.get(name);
            if (dyno == null || dyno.weight == weight) {
                return;
            }
            logger.debug("{} weight {} -> {}", dyno, dyno.weight, weight);
            dyno.weight = weight;
            toRelease = rebuildReleasingLocked();
        }
        WaitingRoom.releaseAll(toRelease);
    }

    /** Health checks' verdict. */
    public void setHealthy(Dyno dyno, boolean healthy) {
        Held[] toRelease;
        synchronized (lock) {
            if (dyno.healthy == healthy) {
                return;
            }
            dyno.healthy = healthy;
            toRelease = rebuildReleasingLocked();
        }
        logger.debug("{} is now {}", dyno.name(), healthy ? "healthy" : "unhealthy");
        WaitingRoom.releaseAll(toRelease);
    }

    /** Takes the dyno out of rotation for the quarantine period (refused or timed-out connect). */
    public void quarantine(Dyno dyno) {
        int token;
        synchronized (lock) {
            if (dyno.removed) {
                return;
            }
            dyno.quarantined = true;
            token = ++dyno.quarantineToken;
            rebuildLocked();
        }
        scheduler.schedule(() -> endQuarantine(dyno, token), quarantine.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void endQuarantine(Dyno dyno, int token) {
        Held[] toRelease;
        synchronized (lock) {
            if (dyno.quarantineToken != token || !dyno.quarantined) {
                return;
            }
            dyno.quarantined = false;
            toRelease = rebuildReleasingLocked();
        }
        WaitingRoom.releaseAll(toRelease);
    }

    @Override
    public void hold(boolean on) {
        room.hold(on);
    }

    @Override
    public int held() {
        return room.held();
    }

    @Override
    public List<String> names() {
        synchronized (lock) {
            return List.copyOf(byName.keySet());
        }
    }

    @Override
    public int inFlight(String name) {
        requireNonNull(name, "name");
        synchronized (lock) {
            Dyno dyno = byName.get(name);
            int n = dyno == null ? 0 : dyno.inFlight();
            return n + leavingInFlightLocked(name);
        }
    }

    private int leavingInFlightLocked(String name) {
        int n = 0;
        for (Dyno d : leaving) {
            if (d.name().equals(name)) {
                n += d.inFlight();
            }
        }
        return n;
    }

    @Override
    public List<BackendStatus> status() {
        synchronized (lock) {
            List<BackendStatus> all = new ArrayList<>(byName.size());
            for (Dyno d : byName.values()) {
                all.add(new BackendStatus(d.name(), d.address(), d.weight, d.admin, d.healthy,
                        d.inFlight() + leavingInFlightLocked(d.name())));
            }
            return all;
        }
    }

    /** Every dyno known, leaving ones included (for shutdown). */
    public List<Dyno> all() {
        synchronized (lock) {
            List<Dyno> all = new ArrayList<>(byName.values());
            all.addAll(leaving);
            return all;
        }
    }

    /** The next step of the slow start ramps: a new snapshot with the grown weights. */
    private void rampStep() {
        synchronized (lock) {
            rampStep = null;
            rebuildLocked(); // weights only grow: nothing becomes available that was not
        }
    }

    /** Publishes a snapshot after a change that makes no dyno available (held requests only go if one is). */
    private Held[] rebuildLocked() {
        return rebuildLocked(false);
    }

    /**
     * {@link #rebuildLocked()} after a change that may have made a dyno available (added, up, healthy,
     * weighted, out of quarantine): the held requests and the queued ones, to route again.
     */
    private Held[] rebuildReleasingLocked() {
        return rebuildLocked(true);
    }

    private Held[] rebuildLocked(boolean mayHaveRoom) {
        List<Dyno> eligible = new ArrayList<>(byName.size());
        long now = nanoClock.getAsLong();
        for (Dyno d : byName.values()) {
            boolean e = d.eligible();
            if (e) {
                eligible.add(d);
                if (!d.wasEligible) {
                    d.eligibleSince = now;
                }
            }
            d.wasEligible = e;
        }
        Dyno[] dynos = eligible.toArray(new Dyno[0]);
        Duration ramp = slowStart;
        Snapshot next = new Snapshot(dynos, SlowStart.weights(dynos, now, ramp), byName.size(), strategy);
        snapshot = next;
        long step = SlowStart.nextStepNanos(dynos, now, ramp);
        if (step >= 0 && rampStep == null) {
            try {
                rampStep = scheduler.schedule(this::rampStep, step, TimeUnit.NANOSECONDS);
            } catch (RejectedExecutionException e) {
                // the router is closing: no more steps
            }
        }
        if (next.isEmpty()) {
            return null;
        }
        return room.dynoAvailableLocked(mayHaveRoom);
    }
}
