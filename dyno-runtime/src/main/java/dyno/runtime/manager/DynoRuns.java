package dyno.runtime.manager;

import dyno.runtime.app.App;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import dyno.runtime.process.PortAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a dyno, from start to exit: launches its process behind the identity gate, proves a
 * web process up (bound its {@code $PORT}, its own socket) or gives R10, and ends it on request:
 * the drain, SIGTERM to the whole tree, SIGKILL with R12 a full stop timeout later. What follows a
 * run's end (restart policy, preboot, the table) is the {@link Supervisor}'s, told through
 * {@link Hooks}. Manager thread only.
 */
final class DynoRuns {
    private static final Logger logger = LoggerFactory.getLogger(DynoRuns.class);

    /** What a run tells the manager. All called on the manager thread. */
    interface Hooks {
        void event(String dyno, String message);

        void setState(Dyno d, DynoState next);

        /** The run is up: bound its port (web) or started (other types). */
        void becameUp(Dyno d);

        /** The run ended without being asked to (or could not start: status 127). */
        void crashed(Dyno d, int status);

        /** The run ended after {@code stop} was asked for. */
        void stopped(Dyno d, Dyno.Stop stop);
    }

    private final App app;
    private final ManagerSettings settings;
    private final Clock clock;
    private final DynoProcesses processes;
    private final DynoOutput output;
    private final ScheduledExecutorService exec;
    private final Hooks hooks;
    private final PortAllocator ports = new PortAllocator();

    DynoRuns(App app, ManagerSettings settings, Clock clock, DynoProcesses processes, DynoOutput output,
             ScheduledExecutorService exec, Hooks hooks) {
        this.app = app;
        this.settings = settings;
        this.clock = clock;
        this.processes = processes;
        this.output = output;
        this.exec = exec;
        this.hooks = hooks;
    }

    /**
     * Ends {@code d}'s run for {@code stop}: waits for the drain {@code beforeStop} returns, at most
     * the stop timeout, then SIGTERM.
     */
    void awaitDrainThenTerminate(Dyno d, Dyno.Stop stop, Supplier<CompletionStage<Void>> beforeStop) {
        Process p = d.process;
        d.cancelTimers();
        d.timer = exec.schedule(() -> terminate(d, p, stop), settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
        CompletionStage<Void> drained;
        try {
            drained = beforeStop.get();
        } catch (RuntimeException e) {
            logger.warn("listener failed before stopping {}", d.name, e);
            drained = CompletableFuture.completedFuture(null);
        }
        drained.whenComplete((x, e) -> exec.execute(() -> terminate(d, p, stop)));
    }

    /** Starts {@code d}'s process with {@code PORT}, {@code DYNO} and {@code PS}; {@code starting}, then up once proven. */
    void launch(Dyno d) {
        d.cancelTimers();
        d.stop = null;
        String command = d.type.command();
        d.port = ports.acquire();
        d.launchedSize = d.size;
        ProcessBuilder pb = DynoProcesses.builder(command).directory(app.dir().toFile());
        Map<String, String> env = pb.environment();
        env.putAll(d.config);
        env.put("PORT", Integer.toString(d.port));
        env.put("DYNO", d.name);
        env.put("PS", d.name);
        hooks.event(d.name, "Starting process with command `" + command + "`");
        Instant now = clock.instant();
        d.createdAt = now;
        hooks.setState(d, DynoState.STARTING);
        Process p;
        try {
            p = processes.start(d, pb);
        } catch (IOException e) {
            hooks.event(d.name, "Failed to start process: " + e.getMessage());
            ports.release(d.port);
            d.port = 0;
            hooks.crashed(d, 127);
            return;
        }
        d.process = p;
        output.read(d, p);
        p.onExit().thenRun(() -> exec.execute(() -> exited(d, p)));
        if (d.type.isWeb()) {
            long probeMs = settings.upProbeInterval().toMillis();
            d.probe = exec.scheduleWithFixedDelay(() -> probe(d, p), probeMs, probeMs, TimeUnit.MILLISECONDS);
            d.timer = exec.schedule(() -> bootTimedOut(d, p), settings.bootTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } else {
            hooks.becameUp(d);
        }
    }

    private void probe(Dyno d, Process p) {
        if (d.process != p || d.state != DynoState.STARTING) {
            return;
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", d.port), 250);
        } catch (IOException notYet) {
            return;
        }
        // a connection proves only that something listens: it must be the dyno, not a stranger on its port
        if (!processes.listens(d, d.port)) {
            return;
        }
        d.cancelTimers();
        hooks.becameUp(d);
    }

    private void bootTimedOut(Dyno d, Process p) {
        if (d.process != p || d.state != DynoState.STARTING) {
            return;
        }
        hooks.event(d.name, "Error R10 (Boot timeout) -> Web process failed to bind to $PORT within "
                + DynoManager.seconds(settings.bootTimeout()) + " of launch");
        hooks.event(d.name, "Stopping process with SIGKILL");
        processes.signal(d, true);
    }

    /** SIGTERM to the whole tree, once per stop; SIGKILL with R12 a full stop timeout later. */
    private void terminate(Dyno d, Process p, Dyno.Stop stop) {
        if (d.process != p || d.stop != stop || stop.killAt != null) {
            return;
        }
        d.cancelTimers();
        hooks.event(d.name, "Stopping all processes with SIGTERM");
        stop.killAt = clock.instant().plus(settings.stopTimeout());
        processes.signal(d, false);
        d.timer = exec.schedule(() -> stopTimedOut(d, p), settings.stopTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void stopTimedOut(Dyno d, Process p) {
        if (d.process != p) {
            return;
        }
        killNow(d);
    }

    /** SIGKILL to what is left of {@code d}, always said with R12. */
    void killNow(Dyno d) {
        hooks.event(d.name, "Error R12 (Exit timeout) -> At least one process failed to exit within "
                + DynoManager.seconds(settings.stopTimeout()) + " of SIGTERM");
        hooks.event(d.name, "Stopping remaining processes with SIGKILL");
        processes.signal(d, true);
    }

    private void exited(Dyno d, Process p) {
        if (d.process != p) {
            return;
        }
        if (processes.alive(d)) {
            // the session leader is gone but other processes of the dyno still run
            if (d.stop != null && d.stop.killAt != null && clock.instant().isBefore(d.stop.killAt)) {
                exec.schedule(() -> exited(d, p), 100, TimeUnit.MILLISECONDS); // they have the rest of their grace
                return;
            }
            if (d.stop != null && d.stop.killAt != null) {
                killNow(d);
            } else {
                hooks.event(d.name, "Stopping remaining processes with SIGKILL");
                processes.signal(d, true);
            }
        }
        processes.signal(d, true); // the anchor, quietly: the dyno has nothing else left
        if (UsageScan.oomKilled(d)) {
            // the kernel's OOM killer ended it at twice its quota: Heroku's words for the same end
            hooks.event(d.name, "Error R15 (Memory quota vastly exceeded)");
            hooks.event(d.name, "Stopping process with SIGKILL");
        }
        int status = p.exitValue();
        d.exitStatus = status;
        d.cancelTimers();
        d.process = null;
        ports.release(d.port);
        d.port = 0;
        processes.forget(d);
        hooks.event(d.name, "Process exited with status " + status);
        Dyno.Stop stop = d.stop;
        if (stop != null) {
            d.stop = null;
            hooks.stopped(d, stop);
        } else {
            hooks.crashed(d, status);
        }
    }
}
