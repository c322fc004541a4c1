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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry behind a router: membership, admin states (ready, drain, maintenance), health and
 * quarantine flags, the selection strategy, the requests in flight. Requests waiting for a dyno
 * (held while the app wakes, queued while every dyno is full) are in its {@link #waitingRoom()};
 * dynos removed or replaced while their requests finish, and admin drains, in its {@link Drains}.
 *
 * <p>Locking. One lock guards the membership ({@code byName}), the strategy, the slow start clock
 * and step, the dynos' mutable fields (see {@link Dyno}), the waiting room's state and the drains'
 * (the leaving dynos, the idle futures): mutations take it, publish a new {@link Snapshot} and, in
 * the same locked section, take out the waiting requests that snapshot lets through, released once
 * the lock is let go (see {@link WaitingRoom}), and mark a dyno taken out as leaving (see
 * {@link Drains}). The request path takes no lock: it reads the volatile snapshot, selects, and
 * bumps atomic counters ({@link #acquire}, {@link #release}); only a request that ends while others
 * wait in the queue takes the lock, to hand its place over.
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
    private final WaitingRoom room; // shares lock
    private final Drains drains; // shares lock
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
        this.drains = new Drains(lock, watchers, this.scheduler);
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
            drains.idle(dyno);
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
            drains.idle(dyno);
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
            drains.leaveLocked(dyno);
            rebuildLocked(); // removing a dyno never makes one available: nothing to release
        }
        return drains.forgetWhenDone(dyno, drainDeadline);
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
                drains.leaveLocked(old);
            }
            byName.put(name, next); // same key: keeps its place in the registration order
            toRelease = rebuildReleasingLocked();
        }
        logger.debug("Registered {} in place of {}", next, old);
        for (Membership m : watchers) {
            m.added(next);
        }
        WaitingRoom.releaseAll(toRelease);
        return old == null ? CompletableFuture.completedFuture(null) : drains.forgetWhenDone(old, drainDeadline);
    }

    @Override
    public CompletableFuture<Void> drain(String name, Duration deadline) {
        requireNonNull(name, "name");
        requireNonNull(deadline, "deadline");
        Dyno dyno;
        Held[] toRelease;
        List<CompletableFuture<Void>> pending;
        synchronized (lock) {
            dyno = byName.get(name);
            if (dyno == null) {
                return CompletableFuture.completedFuture(null);
            }
            toRelease = setAdminLocked(dyno, AdminState.DRAIN);
            pending = drains.drainLocked(dyno);
        }
        // the queued requests the new snapshot took out route again (to queue anew where every dyno is full)
        WaitingRoom.releaseAll(toRelease);
        return drains.untilDrained(dyno, pending, deadline);
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
        if (admin == AdminState.READY) {
            drains.readyLocked(dyno);
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
            return n + drains.inFlightLocked(name);
        }
    }

    @Override
    public List<BackendStatus> status() {
        synchronized (lock) {
            List<BackendStatus> all = new ArrayList<>(byName.size());
            for (Dyno d : byName.values()) {
                all.add(new BackendStatus(d.name(), d.address(), d.weight, d.admin, d.healthy,
                        d.inFlight() + drains.inFlightLocked(d.name())));
            }
            return all;
        }
    }

    /** Every dyno known, leaving ones included (for shutdown). */
    public List<Dyno> all() {
        synchronized (lock) {
            List<Dyno> all = new ArrayList<>(byName.values());
            drains.addLeavingLocked(all);
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
