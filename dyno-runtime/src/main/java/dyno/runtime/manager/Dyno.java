package dyno.runtime.manager;

import dyno.runtime.app.ProcessType;
import dyno.runtime.formation.DynoSize;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;

/**
 * One dyno slot ({@code web.1}) and its current process. During a preboot a slot has two: the
 * serving one (in the manager's table) and its {@link #successor}, booting outside it; once the
 * successor is up it takes the slot and the old one drains and stops. Owned by the manager's thread.
 */
final class Dyno {
    final ProcessType type;
    final int index;
    final String name;
    DynoSize size;
    /** The size the current (or last) process was started with; differs from {@code size} until a resize reached it. */
    DynoSize launchedSize;
    DynoState state = DynoState.DOWN;
    Process process;
    /** The processes of the current (or last) run, proven by identity; null when none could be identified. */
    dyno.runtime.process.ProcessTree tree;
    int port;
    Instant createdAt;
    Instant updatedAt;
    Instant upSince;
    int crashes;
    Instant lastR14 = Instant.EPOCH;
    /** OOM kills of the current run's cgroup already reported as R15. */
    long oomKills;
    /** The current run's CPU time at the previous sample; null before the first. */
    CpuSample cpuSample;
    /** CPU used between the last two samples, in cores; -1 when not measured. */
    double cpuCores = -1;
    /** Why the current process is ending: null when it was not asked to. */
    Stop stop;
    /** Restart, boot or kill timer. */
    ScheduledFuture<?> timer;
    ScheduledFuture<?> probe;
    /** True once scaled away (or replaced by its successor): the slot is forgotten when its process is gone. */
    boolean retired;
    /** This slot was up at least once (a successor inherits it): booting again is a restart. */
    boolean wasUp;
    /** Woken from idle and not up yet. */
    boolean waking;
    /** The process booting to take this slot over (preboot); null when none. */
    Dyno successor;
    /** For a successor: the dyno it will replace once up; null otherwise. */
    Dyno replacing;
    /** For a one-off: completes with its exit status when it ends; null for a formation dyno. */
    java.util.concurrent.CompletableFuture<Integer> oneOff;
    /** For a one-off a terminal runs: the pid of its command (the manager has no Process for it); else 0. */
    long attachedPid;
    /** The config vars the current (or next) process runs with. */
    java.util.Map<String, String> config = java.util.Map.of();
    /** The release the current (or last) process was started with; 0 when none is known. */
    int release;
    /** The exit status of the last process, set when it ended. */
    int exitStatus;
    /** Name under which its processes are recorded for leftovers cleanup: unique among live runs. */
    final String recordKey;

    /** A stop the manager asked for, and what follows it. */
    static final class Stop {
        final DynoState after;
        boolean relaunch;
        final CompletableFuture<Void> done = new CompletableFuture<>();
        /** When SIGTERM was sent, so SIGKILL comes a full stop timeout later; null before. */
        Instant killAt;

        Stop(DynoState after, boolean relaunch) {
            this.after = after;
            this.relaunch = relaunch;
        }
    }

    /** Output rate of the slot, across its processes: a crash loop does not refill it on each start. */
    final OutputLimiter output;

    Dyno(ProcessType type, int index, DynoSize size, Instant now, OutputLimiter output) {
        this(type, index, size, now, output, type.name() + "." + index);
    }

    /** The process that will take {@code current}'s slot over once it is up. */
    static Dyno successorOf(Dyno current, Instant now) {
        // the two runs of a slot are recorded side by side: web.1 and web.1+ alternate
        String key = current.recordKey.equals(current.name) ? current.name + "+" : current.name;
        Dyno next = new Dyno(current.type, current.index, current.size, now, current.output, key);
        next.replacing = current;
        next.wasUp = true;
        return next;
    }

    private Dyno(ProcessType type, int index, DynoSize size, Instant now, OutputLimiter output, String recordKey) {
        this.recordKey = recordKey;
        this.type = type;
        this.index = index;
        this.name = type.name() + "." + index;
        this.size = size;
        this.createdAt = now;
        this.updatedAt = now;
        this.output = output;
    }

    long pid() {
        return process != null ? process.pid() : attachedPid;
    }

    boolean running() {
        return process != null;
    }

    DynoInfo info() {
        return new DynoInfo(name, type.name(), state, size, type.command(), port, pid(), createdAt, updatedAt, release,
                oneOff != null);
    }

    void cancelTimers() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (probe != null) {
            probe.cancel(false);
            probe = null;
        }
    }
}
