package dyno.runtime.manager;

import static java.util.Objects.requireNonNull;

import dyno.runtime.app.App;
import dyno.runtime.app.ProcessType;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.formation.FormationStore;
import dyno.runtime.formation.ScaleChange;
import dyno.runtime.process.CgroupHierarchy;
import dyno.runtime.process.PidRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an app's formation as supervised OS processes: starts each dyno with {@code PORT} and
 * {@code DYNO}, restarts crashes with a doubling cool-off, enforces boot timeouts and memory
 * quotas, stops gracefully (SIGTERM, then SIGKILL with R12), and saves the formation.
 *
 * <pre>{@code
 * DynoManager manager = new DynoManager(App.load(dir, null, null), ManagerSettings.defaults(), listener);
 * manager.start(manager.initialFormation());
 * manager.scale(List.of("web=3")).join();
 * manager.close();
 * }</pre>
 *
 * <p>All state is owned by one manager thread; public methods may be called from any thread and
 * post to it. This class decides what should run (formation, scale, restart, idle, close); the
 * {@code Supervisor} runs it (launch, stop, crash restarts, what the listener is told) and the
 * {@code UsageScan} samples it each tick.
 */
public final class DynoManager implements DynoRuntime {
    /** The name manager-wide events are logged under: {@code dyno[manager]}. */
    public static final String MANAGER = "manager";
    private static final Logger logger = LoggerFactory.getLogger(DynoManager.class);
    /** Longest time between two scans of /proc, whatever the memory sample interval. */
    private static final long SCAN_INTERVAL_MS = 1_000;
    /** Time past the drain and the stop timeout for SIGKILL to take effect before close gives up. */
    private static final long CLOSE_MARGIN_MS = 5_000;

    private final App app;
    private final ManagerSettings settings;
    private final Clock clock;
    private final FormationStore store;
    private final DynoProcesses processes;
    /** Where dyno cgroups are made; empty where none can be. */
    private final java.util.Optional<CgroupHierarchy> cgroups;
    private final SizeLimits limits;
    /** The manager thread: owns every dyno and runs all timers. */
    private final ScheduledExecutorService exec;
    private final Supervisor supervisor;
    private final OneOffs oneOffs;
    private final UsageScan scan;
    private final Thread shutdownHook;
    private volatile Formation formation;

    public DynoManager(App app, ManagerSettings settings, DynoListener listener) {
        this(app, settings, listener, Clock.systemUTC());
    }

    public DynoManager(App app, ManagerSettings settings, DynoListener listener, Clock clock) {
        this.app = requireNonNull(app, "app");
        this.settings = requireNonNull(settings, "settings");
        requireNonNull(listener, "listener");
        this.clock = requireNonNull(clock, "clock");
        this.store = new FormationStore(app.stateDir().resolve("formation.json"));
        MemoryWatch memory = new MemoryWatch(settings);
        this.cgroups = CgroupHierarchy.host();
        this.limits = new SizeLimits(settings.cpuPer1x(), Runtime.getRuntime().availableProcessors(),
                cgroups.map(CgroupHierarchy::pins).orElse(false), memory);
        this.processes = new DynoProcesses(new PidRegistry(app.stateDir().resolve("pids")), cgroups, limits);
        this.exec = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dyno-manager");
            t.setDaemon(true);
            return t;
        });
        this.supervisor = new Supervisor(app, settings, listener, this.clock, processes, exec, this::formation);
        this.oneOffs = supervisor.oneOffs();
        this.scan = new UsageScan(this.clock, processes, memory, limits, oneOffs, this::sizesEnforced,
                supervisor::event);
        this.shutdownHook = new Thread(this::close, "dyno-manager-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    /** The formation to start with: the saved one, else app.json's, else web=1 and 0 of the rest. */
    public Formation initialFormation() {
        return store.load().map(app::fit).or(app::manifestFormation).orElseGet(app::defaultFormation);
    }

    /** Whether a formation was saved by an earlier run. */
    public boolean hasSavedFormation() {
        return java.nio.file.Files.exists(store.file());
    }

    /**
     * Ends leftovers of a manager that was killed, so that one-offs can run before {@link #start}
     * (the release phase). Idempotent; {@link #start} does it when not done yet.
     */
    public void prepare() {
        call(() -> {
            cleanLeftovers();
            return null;
        }).join();
    }

    private boolean cleaned;

    private void cleanLeftovers() {
        if (cleaned) {
            return;
        }
        cleaned = true;
        for (String name : processes.killLeftovers()) {
            supervisor.event(name, "Ended leftover process of a previous run");
        }
        // a manager killed while saving leaves a temp file; this manager is now the only writer
        store.deleteLeftovers();
    }

    /** Ends leftovers of a manager that was killed, then starts {@code initial}. */
    public void start(Formation initial) {
        requireNonNull(initial, "initial");
        call(() -> {
            cleanLeftovers();
            supervisor.event(MANAGER, SizeEnforcement.describe(cgroups, settings.cpuPer1x(), limits));
            apply(app.fit(initial));
            // one scan of /proc a tick for all dynos: keeps each tree known and samples its memory
            long scanMs = Math.min(SCAN_INTERVAL_MS, settings.memorySampleInterval().toMillis());
            exec.scheduleWithFixedDelay(() -> scan.scan(supervisor.allRuns(), supervisor.detached()), scanMs, scanMs, TimeUnit.MILLISECONDS);
            exec.scheduleWithFixedDelay(supervisor::reportQuiet, 1, 1, TimeUnit.SECONDS);
            return null;
        }).join();
    }

    /** The app this manager runs. */
    public App app() {
        return app;
    }

    /** The current formation. */
    public Formation formation() {
        return formation;
    }

    /** The dynos, ordered by type and number. */
    public List<DynoInfo> dynos() {
        return supervisor.dynos();
    }

    /** What the web process type is doing now (serving, restarting, sleeping...), as the router should see it. */
    public AppIntent intent() {
        return supervisor.intent();
    }

    /**
     * From now on, processes start with {@code config} as release {@code version}: dynos started
     * or restarted later (a rolling {@link #restart} moves all of them).
     */
    public void useRelease(int version, Map<String, String> config) {
        supervisor.useRelease(version, config);
    }

    /**
     * Runs {@code command} once as a one-off dyno of {@code type} ({@code run.N}, {@code release.N})
     * with {@code config}: never restarted, listed by {@link #dynos()} while it runs, its output in
     * the log, stopped with the rest on close.
     */
    public CompletableFuture<OneOff> runOnce(String type, String command, Map<String, String> config, int release) {
        return call(() -> {
            if (supervisor.closed()) {
                throw new IllegalStateException("the dyno manager is stopped");
            }
            return oneOffs.run(type, command, config, release);
        });
    }

    /** Reserves the name of a one-off that {@code dyno run} will start on a terminal: {@code run.N}. */
    public CompletableFuture<String> reserveOneOff(String type) {
        return call(() -> oneOffs.reserve(type));
    }

    /**
     * Lists the process {@code pid}, which {@code dyno run} started as one-off {@code name}, until
     * it ends; a closing manager ends its whole tree. Fails unless the process is proven that run.
     */
    public CompletableFuture<DynoInfo> attachOneOff(String name, String command, long pid) {
        return call(() -> oneOffs.attach(name, command, pid, supervisor.release()));
    }

    /** Stops one-off {@code name} (SIGTERM to its tree, SIGKILL with R12 after the stop timeout). */
    public CompletableFuture<Void> stopOneOff(String name) {
        return call(() -> oneOffs.stop(name)).thenCompose(f -> f);
    }

    /** Resident memory of each running dyno's process tree at the last scan, in bytes. */
    public Map<String, Long> residentBytes() {
        return scan.resident();
    }

    /** CPU and memory each running dyno used at the last scan, against its size's limits. */
    @Override
    public Map<String, ResourceUsage> usage() {
        return scan.usage();
    }

    /** Whether the kernel enforces each size's CPU and memory limits here (else memory is only sampled). */
    public boolean sizesEnforced() {
        return cgroups.map(CgroupHierarchy::enforces).orElse(false);
    }

    /**
     * Applies {@code ps:scale} arguments. Fails, changing nothing, with a message naming the bad
     * argument.
     */
    public CompletableFuture<Formation> scale(List<String> arguments) {
        return call(() -> {
            Formation next = ScaleChange.applyAll(formation, ScaleChange.parseAll(arguments));
            apply(next);
            return next;
        });
    }

    /** Replaces the formation with {@code next} (validated by the caller's parsing). */
    public CompletableFuture<Formation> update(Formation next) {
        return call(() -> {
            for (FormationEntry e : next.entries()) {
                app.procfile().require(e.type());
            }
            Formation fitted = formation;
            for (FormationEntry e : next.entries()) {
                fitted = fitted.with(e);
            }
            apply(fitted);
            return fitted;
        });
    }

    /**
     * Restarts the dynos matching {@code target} (all when null; a type such as {@code web}; or a
     * dyno such as {@code web.1}) one at a time, each back up before the next is stopped. A web
     * dyno that is up is prebooted: its replacement starts on a new port and takes its place once
     * up, and only then is the old process drained and stopped.
     */
    public CompletableFuture<Void> restart(String target) {
        return call(() -> select(target)).thenCompose(names -> rolling(names, d -> true));
    }

    /** Puts {@code name} to sleep: stops its process and shows it as {@code idle}. */
    public CompletableFuture<Void> idle(String name) {
        return call(() -> {
            Dyno d = require(name);
            supervisor.event(name, "Idling");
            return supervisor.stop(d, DynoState.IDLE, false);
        }).thenCompose(f -> f);
    }

    /** Wakes an idle dyno; returns at once, the dyno reports {@code up} later. */
    public CompletableFuture<Void> wake(String name) {
        return call(() -> {
            Dyno d = require(name);
            if (d.state == DynoState.IDLE && !d.running()) {
                supervisor.event(name, "Unidling");
                d.waking = true;
                supervisor.launch(d);
            } else if (d.stop != null && d.stop.after == DynoState.IDLE && !d.stop.relaunch) {
                // still being put to sleep: start it again as soon as the old process is gone
                supervisor.event(name, "Unidling");
                d.waking = true;
                d.stop.relaunch = true;
                supervisor.publishIntent();
            }
            return null;
        });
    }

    /**
     * Stops every dyno gracefully and waits for them: each gets its drain (at most the stop
     * timeout) and then its full SIGTERM grace (the stop timeout) before SIGKILL with R12.
     * Idempotent.
     */
    @Override
    public void close() {
        if (supervisor.closed()) {
            return;
        }
        supervisor.markClosed();
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // called from the hook itself
        }
        long graceMs = 2 * settings.stopTimeout().toMillis();
        try {
            CompletableFuture<Void> all = call(() -> {
                List<CompletableFuture<Void>> stops = supervisor.stopAll();
                return CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new));
            }).thenCompose(f -> f);
            all.get(graceMs + CLOSE_MARGIN_MS, TimeUnit.MILLISECONDS);
            call(() -> {
                processes.removeAllEmptied();
                return null;
            }).get(CLOSE_MARGIN_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            logger.warn("dynos did not all stop in time; killing what is left", e);
            // on the manager thread, which owns the dynos; bounded in case it is stuck
            try {
                call(() -> {
                    supervisor.killAllNow();
                    return null;
                }).get(CLOSE_MARGIN_MS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | RuntimeException stuck) {
                logger.error("the dyno manager thread did not answer; some dyno processes may remain", stuck);
            }
        }
        exec.shutdownNow();
    }

    // ---- on the manager thread ----

    private void apply(Formation next) {
        Map<String, Dyno> dynos = supervisor.table();
        store.save(next);
        formation = next;
        for (ProcessType type : app.procfile().formationTypes()) {
            FormationEntry entry = next.entry(type.name()).orElseThrow();
            List<Dyno> ofType = dynos.values().stream().filter(d -> d.type.equals(type) && !d.retired)
                    .sorted(Comparator.comparingInt((Dyno d) -> d.index).reversed()).toList();
            List<String> resized = new ArrayList<>();
            for (Dyno d : ofType) {
                if (d.index > entry.quantity()) {
                    d.retired = true;
                    supervisor.stop(d, DynoState.DOWN, false);
                } else if (d.size != entry.size()) {
                    d.size = entry.size();
                    resized.add(0, d.name);
                }
            }
            // like ps:restart, one dyno at a time; one not running now starts with the new size anyway
            rolling(resized, d -> d.running() && d.launchedSize != d.size).whenComplete((x, e) -> {
                if (e != null) {
                    logger.warn("rolling resize of {} failed", type.name(), e);
                }
            });
            for (int i = 1; i <= entry.quantity(); i++) {
                Dyno d = dynos.get(type.name() + "." + i);
                if (d == null || d.retired && !d.running()) {
                    d = new Dyno(type, i, entry.size(), clock.instant(),
                            new OutputLimiter(settings.logLinesPerSecond(), System.nanoTime()));
                    dynos.put(d.name, d);
                    supervisor.launch(d);
                } else if (d.retired) {
                    // scaled back up while the old process is still stopping: start it again afterwards
                    d.retired = false;
                    if (d.stop != null) {
                        d.stop.relaunch = true;
                    }
                }
            }
        }
        supervisor.publish();
    }

    /**
     * Restarts {@code names} one at a time, each back up (or crashed) before the next is stopped.
     * Skips a dyno scaled away meanwhile or for which {@code due} no longer holds when its turn comes.
     * Callable from any thread: each step runs on the manager thread.
     */
    private CompletableFuture<Void> rolling(List<String> names, Predicate<Dyno> due) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (String name : names) {
            chain = chain.thenCompose(x -> call(() -> {
                Dyno d = supervisor.table().get(name);
                return d == null || d.retired || !due.test(d) ? CompletableFuture.<Void>completedFuture(null) : supervisor.restartOne(d);
            }).thenCompose(f -> f));
        }
        return chain;
    }

    private List<String> select(String target) {
        List<String> names = new ArrayList<>();
        for (Dyno d : supervisor.table().values()) {
            if (d.retired) {
                continue;
            }
            if (target == null || target.equals(d.type.name()) || target.equals(d.name)) {
                names.add(d.name);
            }
        }
        if (names.isEmpty() && target != null) {
            throw new IllegalArgumentException("no dyno or process type \"" + target + "\" is running"
                    + " (expected one of: " + String.join(", ", app.procfile().names()) + ", or a dyno such as web.1)");
        }
        return names;
    }

    private Dyno require(String name) {
        Dyno d = supervisor.table().get(name);
        if (d == null || d.retired) {
            throw new IllegalArgumentException("no dyno \"" + name + "\"");
        }
        return d;
    }

    private <T> CompletableFuture<T> call(Callable<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            exec.execute(() -> {
                try {
                    result.complete(task.call());
                } catch (Exception e) {
                    result.completeExceptionally(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the dyno manager is stopped"));
        }
        return result;
    }

    /** Heroku's wording, {@code 60 seconds}, and a decimal when the setting has a fraction: {@code 0.5 seconds}. */
    static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + " seconds";
    }

    /** Orders dyno names by type, then by number: {@code web.2} before {@code web.10}. */
    static int compareNames(String a, String b) {
        int da = a.lastIndexOf('.');
        int db = b.lastIndexOf('.');
        int c = a.substring(0, da).compareTo(b.substring(0, db));
        return c != 0 ? c : Integer.compare(Integer.parseInt(a.substring(da + 1)), Integer.parseInt(b.substring(db + 1)));
    }

}
