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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;

/**
 * The one-off dynos: those the manager runs ({@code dyno run --detached}, the release phase),
 * which end when their command does and are never restarted, and those a {@code dyno run} on a
 * terminal runs itself and has attached here, so that {@code ps} lists them and a stopping daemon
 * ends them. Numbers ({@code run.1}, {@code run.2}...) are never reused while the manager lives.
 * Manager thread only.
 */
final class OneOffs {
    private final Clock clock;
    private final ManagerSettings settings;
    private final Map<String, Dyno> byName = new TreeMap<>();
    /** The last number given, per type: {@code run.3} and {@code release.2} count apart. */
    private final Map<String, Integer> last = new java.util.HashMap<>();

    OneOffs(Clock clock, ManagerSettings settings) {
        this.clock = clock;
        this.settings = settings;
    }

    /** A new one-off of {@code type} (e.g. {@code run}) for {@code command}, not yet started. */
    Dyno create(String type, String command, Map<String, String> config, int release) {
        Dyno d = new Dyno(new ProcessType(type, command), next(type), DynoSize.STANDARD_1X, clock.instant(),
                new OutputLimiter(settings.logLinesPerSecond(), System.nanoTime()));
        d.oneOff = new CompletableFuture<>();
        d.config = Map.copyOf(config);
        d.release = release;
        byName.put(d.name, d);
        return d;
    }

    /** The next name a one-off of {@code type} gets, reserved: {@code run.7}. */
    String reserve(String type) {
        return type + "." + next(type);
    }

    private int next(String type) {
        return last.merge(type, 1, Integer::sum);
    }

    /**
     * Attaches a process that {@code dyno run} started on a terminal as {@code name}: only when it
     * is proven to be that run, a live process whose environment says {@code DYNO=name}.
     */
    Dyno attach(String name, String command, long pid, int release) {
        ProcessId id = ProcessId.of(pid).orElseThrow(() -> new IllegalArgumentException("pid " + pid + ": no such process"));
        if (byName.containsKey(name)) {
            throw new IllegalArgumentException(name + ": already attached");
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
        byName.put(name, d);
        return d;
    }

    /** Whether {@code name} is a one-off this manager knows. */
    Dyno get(String name) {
        return byName.get(name);
    }

    /** Forgets {@code d}, which ended; whether it was known. */
    boolean ended(Dyno d) {
        return byName.remove(d.name, d);
    }

    /** Every one-off, in name order. */
    List<Dyno> all() {
        return new ArrayList<>(byName.values());
    }

    /** The attached ones (started by a terminal, not by the manager). */
    List<Dyno> attached() {
        return byName.values().stream().filter(d -> d.attachedPid != 0).toList();
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
