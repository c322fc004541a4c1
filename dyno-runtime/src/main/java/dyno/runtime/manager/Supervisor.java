package dyno.runtime.manager;

import dyno.runtime.app.App;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.log.LogLine;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises the runs of the formation's slots: launches them with the current release, stops them
 * when asked, restarts a crash after its cool-off (the crash count starting afresh once a run was up
 * {@code stableAfter}), and tells the listener what ps, the router and the log should see (state
 * changes, the web intent, {@code dyno[...]} events). What to run is {@link DynoManager}'s to decide.
 *
 * <p>Owned by the manager thread: the table, the detached runs and every {@link Dyno} are touched
 * only there, as are the {@link DynoRuns}, {@link OneOffs} and {@link Preboots} it hooks into.
 * {@link #dynos()}, {@link #intent()}, {@link #closed()} and the release are volatile, readable
 * from any thread.
 */
final class Supervisor implements DynoRuns.Hooks, OneOffs.Host, Preboots.Host {
    private static final Logger logger = LoggerFactory.getLogger(Supervisor.class);

    private final ManagerSettings settings;
    private final DynoListener listener;
    private final Clock clock;
    private final ScheduledExecutorService exec;
    private final Supplier<Formation> formation;
    private final DynoOutput output;
    private final DynoRuns runs;
    private final OneOffs oneOffs;
    private final Preboots preboots;
    private final Map<String, Dyno> dynos = new TreeMap<>(DynoManager::compareNames);
    /** Runs outside the table: preboot successors still booting, and replaced runs still stopping. */
    private final Set<Dyno> detached = new LinkedHashSet<>();
    private volatile List<DynoInfo> snapshot = List.of();
    private volatile AppIntent intent = AppIntent.STOPPED;
    private volatile boolean closed;
    /** The config vars and release number processes start with from now on. */
    private volatile Map<String, String> config;
    private volatile int release;

    Supervisor(App app, ManagerSettings settings, DynoListener listener, Clock clock, DynoProcesses processes,
            ScheduledExecutorService exec, Supplier<Formation> formation) {
        this.settings = settings;
        this.listener = listener;
        this.clock = clock;
        this.exec = exec;
        this.formation = formation;
        this.output = new DynoOutput(clock, this::emit);
        this.config = app.env();
        this.runs = new DynoRuns(app, settings, clock, processes, output, exec, this);
        this.oneOffs = new OneOffs(clock, settings, processes, runs, exec, this);
        this.preboots = new Preboots(clock, this);
    }

    // ---- any thread ----

    /** The dynos and listed one-offs, ordered by type and number, as of the last change. */
    List<DynoInfo> dynos() {
        return snapshot;
    }

    AppIntent intent() {
        return intent;
    }

    @Override
    public boolean closed() {
        return closed;
    }

    /** From now on nothing is launched, and the intent says stopped. */
    void markClosed() {
        closed = true;
    }

    void useRelease(int version, Map<String, String> config) {
        this.config = Map.copyOf(config);
        this.release = version;
    }

    int release() {
        return release;
    }

    // ---- on the manager thread ----

    /** The table: one run per slot ({@code web.1}), as ps and the router see them. */
    Map<String, Dyno> table() {
        return dynos;
    }

    Set<Dyno> detached() {
        return detached;
    }

    OneOffs oneOffs() {
        return oneOffs;
    }

    /** See {@link Preboots#restartOne}. */
    CompletableFuture<Void> restartOne(Dyno d) {
        return preboots.restartOne(d);
    }

    /** Reports the output lines each dyno in the table dropped lately (L12). */
    void reportQuiet() {
        output.reportQuiet(dynos.values());
    }

    /** Every run: the table's and the detached ones. */
    List<Dyno> allRuns() {
        List<Dyno> all = new ArrayList<>(dynos.values());
        all.addAll(detached);
        oneOffs.all().stream().filter(d -> d.attachedPid == 0).forEach(all::add);
        return all;
    }

    /** Retires and stops every run, and ends the attached one-offs; the futures complete as each is gone. */
    List<CompletableFuture<Void>> stopAll() {
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        // a copy: stopping a dyno that is not running (crashed, idle) removes it at once
        for (Dyno d : allRuns()) {
            d.retired = true;
            stops.add(stop(d, DynoState.DOWN, false));
        }
        stops.addAll(oneOffs.endAllAttached());
        return stops;
    }

    /** SIGKILL to every run still running, without waiting. */
    void killAllNow() {
        allRuns().stream().filter(Dyno::running).forEach(runs::killNow);
    }

    @Override
    public void launch(Dyno d) {
        if (!closed) {
            d.config = config;
            d.release = release;
            runs.launch(d);
        }
    }

    /** {@code d}'s process ended after a stop the manager asked for. */
    @Override
    public void stopped(Dyno d, Dyno.Stop stop) {
        setState(d, stop.after);
        if (d.retired) {
            forgetRun(d);
        } else if (stop.relaunch) {
            launch(d);
        }
        stop.done.complete(null);
    }

    @Override
    public void becameUp(Dyno d) {
        if (d.oneOff != null) {
            setState(d, DynoState.UP);
            return;
        }
        d.upSince = clock.instant();
        d.wasUp = true;
        d.waking = false;
        if (d.replacing != null) {
            preboots.promote(d);
            return;
        }
        setState(d, DynoState.UP);
        preboots.release(d);
    }

    @Override
    public CompletableFuture<Void> stop(Dyno d) {
        return stop(d, DynoState.DOWN, false);
    }

    @Override
    public CompletableFuture<Void> stop(Dyno d, DynoState after, boolean relaunch) {
        if (d.successor != null && !relaunch) {
            preboots.cancel(d);
        }
        if (d.stop != null) {
            return d.stop.done;
        }
        if (!d.running()) {
            d.cancelTimers();
            setState(d, after);
            if (d.retired) {
                forgetRun(d);
            } else if (relaunch) {
                launch(d);
            }
            return CompletableFuture.completedFuture(null);
        }
        Dyno.Stop stop = new Dyno.Stop(after, relaunch);
        d.stop = stop;
        publishIntent(); // before the drain: a request that then finds no dyno waits instead of H14
        runs.awaitDrainThenTerminate(d, stop, () -> listener.beforeStop(d.info()));
        return stop.done;
    }

    /** Drops a retired run that has no process left from wherever it is kept. */
    private void forgetRun(Dyno d) {
        if (d.oneOff != null) {
            oneOffs.ended(d, d.exitStatus);
            return;
        }
        detached.remove(d);
        if (dynos.remove(d.name, d)) {
            preboots.release(d);
            publish();
        }
    }

    @Override
    public void crashed(Dyno d, int status) {
        if (d.oneOff != null) {
            setState(d, DynoState.DOWN);
            oneOffs.ended(d, status);
            return;
        }
        if (d.replacing != null) {
            setState(d, DynoState.CRASHED);
            preboots.abandon(d);
            return;
        }
        Instant now = clock.instant();
        if (d.upSince != null && Duration.between(d.upSince, now).compareTo(settings.stableAfter()) >= 0) {
            d.crashes = 0;
        }
        d.upSince = null;
        Duration coolOff = settings.backoff().delayFor(d.crashes);
        // A run that lasted its cool-off has waited it already: a dyno killed now and then comes
        // back at once, while a crash loop (runs of moments) waits every cool-off in full.
        Duration ran = d.createdAt == null ? Duration.ZERO : Duration.between(d.createdAt, now);
        Duration delay = ran.compareTo(coolOff) >= 0 ? Duration.ZERO : coolOff;
        d.crashes++;
        d.waking = false;
        setState(d, DynoState.CRASHED);
        if (d.successor != null) {
            event(d.name, "Not restarting: the prebooting process takes over once it is up");
            return;
        }
        preboots.release(d);
        if (closed || d.retired) {
            return;
        }
        event(d.name, delay.isZero() ? "Restarting" : "Restarting in " + format(delay) + " (crash " + d.crashes + ")");
        d.timer = exec.schedule(() -> {
            if (!d.retired && !d.running() && d.state == DynoState.CRASHED) {
                launch(d);
            }
        }, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void setState(Dyno d, DynoState next) {
        DynoState from = d.state;
        d.updatedAt = clock.instant();
        d.state = next;
        if (dynos.get(d.name) != d) {
            if (oneOffs.lists(d)) {
                snapshot(); // a one-off: ps lists it, the router never sees it
            }
            return; // a successor booting or a replaced run: neither ps nor the router sees it
        }
        snapshot();
        if (from != next) {
            event(d.name, "State changed from " + from.id() + " to " + next.id());
            try {
                listener.stateChanged(d.info(), from);
            } catch (RuntimeException e) {
                logger.warn("listener failed on state change of {}", d.name, e);
            }
        }
        publishIntent(); // after the state: the router registers a dyno before it stops holding for it
    }

    @Override
    public void takeSlot(Dyno d) {
        dynos.put(d.name, d);
    }

    @Override
    public void detached(Dyno d, boolean keep) {
        if (keep) {
            detached.add(d);
        } else {
            detached.remove(d);
        }
    }

    void publish() {
        snapshot();
        publishIntent();
    }

    @Override
    public void snapshot() {
        List<DynoInfo> all = new ArrayList<>();
        dynos.values().forEach(d -> all.add(d.info()));
        oneOffs.all().forEach(d -> all.add(d.info()));
        snapshot = List.copyOf(all);
    }

    /** Tells the listener when what the web process type is doing changed. */
    @Override
    public void publishIntent() {
        Formation formation = this.formation.get();
        int wanted = formation == null ? 0 : formation.entry("web").map(FormationEntry::quantity).orElse(0);
        List<Dyno> web = dynos.values().stream().filter(d -> d.type.isWeb() && !d.retired).toList();
        AppIntent next = AppIntent.of(web, wanted, closed);
        if (next == intent) {
            return;
        }
        intent = next;
        try {
            listener.intentChanged(next);
        } catch (RuntimeException e) {
            logger.warn("listener failed on intent change to {}", next, e);
        }
    }

    @Override
    public void event(String dyno, String message) {
        emit(new LogLine(clock.instant(), LogLine.DYNO, dyno, message));
    }

    private void emit(LogLine line) {
        try {
            listener.log(line);
        } catch (RuntimeException e) {
            logger.warn("listener failed on a log line", e);
        }
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
    }
}
