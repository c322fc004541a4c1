package dyno.runtime.manager;

import dyno.runtime.app.ProcessType;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.process.ProcessId;
import dyno.runtime.process.ProcessTree;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The one-off dynos: those the manager runs ({@code dyno run --detached}, the release phase),
 * which end when their command does and are never restarted, and those a {@code dyno run} on a
 * terminal runs itself and has attached here, so that {@code ps} lists them and a stopping manager
 * ends them. Numbers ({@code run.1}, {@code run.2}...) count per type and are never reused while the
 * manager lives. Manager thread only.
 */
final class OneOffs {
    /** What the one-offs need of their manager. */
    interface Host {
        void event(String dyno, String message);

        /** Publishes the dyno list again ({@code ps}). */
        void snapshot();

        /** Stops a run the manager started (drain, SIGTERM, R12), as for any dyno. */
        CompletableFuture<Void> stop(Dyno d);
    }

    private final Clock clock;
    private final ManagerSettings settings;
    private final DynoProcesses processes;
    private final DynoRuns runs;
    private final ScheduledExecutorService exec;
    private final Host host;
    private final Map<String, Dyno> byName = new TreeMap<>();
    /** The last number given, per type: {@code run.3} and {@code release.2} count apart. */
    private final Map<String, Integer> last = new HashMap<>();
    /** Names handed out by {@link #reserve} and not attached yet: only those can be attached. */
    private final Set<String> reserved = new HashSet<>();

    OneOffs(Clock clock, ManagerSettings settings, DynoProcesses processes, DynoRuns runs, ScheduledExecutorService exec,
            Host host) {
        this.clock = clock;
        this.settings = settings;
        this.processes = processes;
        this.runs = runs;
        this.exec = exec;
        this.host = host;
    }

    /** Starts {@code command} once as a one-off of {@code type} (e.g. {@code run}) with {@code config}. */
    OneOff run(String type, String command, Map<String, String> config, int release) {
        Dyno d = new Dyno(new ProcessType(type, command), next(type), DynoSize.STANDARD_1X, clock.instant(),
                new OutputLimiter(settings.logLinesPerSecond(), System.nanoTime()));
        d.oneOff = new CompletableFuture<>();
        d.config = Map.copyOf(config);
        d.release = release;
        byName.put(d.name, d);
        runs.launch(d);
        host.snapshot();
        return new OneOff(d.name, d.oneOff);
    }

    /** The next name a one-off of {@code type} gets, reserved for {@link #attach}: {@code run.7}. */
    String reserve(String type) {
        String name = type + "." + next(type);
        reserved.add(name);
        return name;
    }

    /**
     * Attaches a process that {@code dyno run} started on a terminal as {@code name}: only a name
     * it reserved, and only a live process whose environment says {@code DYNO=name}.
     */
    DynoInfo attach(String name, String command, long pid, int release) {
        ProcessId id = ProcessId.of(pid).orElseThrow(() -> new IllegalArgumentException("pid " + pid + ": no such process"));
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException(name + ": already attached");
        }
        if (!reserved.contains(name)) {
            throw new IllegalArgumentException(name + ": not a reserved one-off name (expected one from POST /apps/APP/dynos"
                    + " with \"attach\": true)");
        }
        if (!environmentSays(pid, "DYNO=" + name)) {
            throw new IllegalArgumentException("pid " + pid + ": not the one-off " + name
                    + " (its environment has no DYNO=" + name + ")");
        }
        int dot = name.lastIndexOf('.');
        Dyno d = new Dyno(new ProcessType(name.substring(0, dot), command), Integer.parseInt(name.substring(dot + 1)),
                DynoSize.STANDARD_1X, clock.instant(), new OutputLimiter(settings.logLinesPerSecond(), System.nanoTime()));
        d.oneOff = new CompletableFuture<>();
        d.attachedPid = pid;
        d.release = release;
        d.tree = new ProcessTree(id);
        d.state = DynoState.UP;
        reserved.remove(name);
        byName.put(name, d);
        host.event(name, "Attached process " + pid + " for `" + command + "`");
        host.snapshot();
        return d.info();
    }

    /** Stops one-off {@code name}: SIGTERM to its tree, SIGKILL with R12 after the stop timeout. */
    CompletableFuture<Void> stop(String name) {
        Dyno d = byName.get(name);
        if (d == null) {
            throw new IllegalArgumentException("no one-off dyno \"" + name + "\"");
        }
        if (d.attachedPid != 0) {
            return endAttached(d);
        }
        d.retired = true;
        return host.stop(d);
    }

    /** Ends every attached one-off (the manager closes); completes once they are gone. */
    List<CompletableFuture<Void>> endAllAttached() {
        return attached().stream().map(this::endAttached).toList();
    }

    /** Whether {@code d} is a one-off listed here. */
    boolean lists(Dyno d) {
        return byName.get(d.name) == d;
    }

    /** {@code d} ended with {@code status}: unlisted, then its waiter told. */
    void ended(Dyno d, int status) {
        if (byName.remove(d.name, d)) {
            host.snapshot(); // before its waiter learns the status: it is no longer listed by then
            d.oneOff.complete(status);
        }
    }

    /** Every one-off, in name order. */
    List<Dyno> all() {
        return new ArrayList<>(byName.values());
    }

    /** The attached ones (started by a terminal, not by the manager). */
    List<Dyno> attached() {
        return byName.values().stream().filter(d -> d.attachedPid != 0).toList();
    }

    /** After a scan that refreshed the attached trees: unlists those with nothing left. */
    void reapAttached() {
        for (Dyno d : attached()) {
            if (d.tree.isEmpty()) {
                host.event(d.name, "Process exited");
                processes.forget(d);
                ended(d, 0);
            }
        }
    }

    /** SIGTERM to an attached one-off's tree, then polls; SIGKILL with R12 after the stop timeout. */
    private CompletableFuture<Void> endAttached(Dyno d) {
        host.event(d.name, "Stopping all processes with SIGTERM");
        processes.signal(d, false);
        CompletableFuture<Void> done = new CompletableFuture<>();
        long deadline = System.nanoTime() + settings.stopTimeout().toNanos();
        Runnable[] check = new Runnable[1];
        boolean[] killed = {false};
        check[0] = () -> {
            if (!lists(d)) {
                done.complete(null); // ended meanwhile (a scan found it gone)
            } else if (!processes.alive(d)) {
                host.event(d.name, "Process exited");
                processes.forget(d);
                ended(d, 143);
                done.complete(null);
            } else {
                if (!killed[0] && System.nanoTime() - deadline > 0) {
                    killed[0] = true;
                    runs.killNow(d);
                }
                exec.schedule(check[0], 100, TimeUnit.MILLISECONDS);
            }
        };
        check[0].run();
        return done;
    }

    private int next(String type) {
        return last.merge(type, 1, Integer::sum);
    }

    private static boolean environmentSays(long pid, String entry) {
        try {
            byte[] env = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
            for (String e : new String(env, StandardCharsets.UTF_8).split("\0")) {
                if (e.equals(entry)) {
                    return true;
                }
            }
            return false;
        } catch (java.io.IOException | SecurityException unreadable) {
            return false;
        }
    }
}
