package dyno.runtime.process;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves this process into a transient systemd user scope with {@code Delegate=yes}, so that a
 * manager that is not root gets a cgroup v2 of its own to limit its dynos in
 * (systemd.io/CGROUP_DELEGATION). The process moves in place, pid and all, as
 * {@code systemd-run --user --scope} moves itself before it execs: the user manager's
 * {@code StartTransientUnit} with this pid, called through {@code busctl --user}. Then
 * {@link CgroupHierarchy#host()} finds the scope, moves the manager into a leaf of it and enables
 * the controllers for its dynos.
 *
 * <pre>{@code
 * SystemdUserScope.enterIfUseful(appDir.toString()); // before the first CgroupHierarchy.host()
 * }</pre>
 */
public final class SystemdUserScope {
    private static final Logger logger = LoggerFactory.getLogger(SystemdUserScope.class);
    /** The scopes {@link #unitName} names: started with {@code Delegate=yes}. */
    static final Pattern DYNO_SCOPE = Pattern.compile("dyno-[0-9a-f]{8}-[0-9]+\\.scope");
    private static final List<String> MANAGER = List.of("org.freedesktop.systemd1", "/org/freedesktop/systemd1",
            "org.freedesktop.systemd1.Manager");

    private final String searchPath;
    private final Path selfCgroup;
    private final long pid;
    private final Duration timeout;

    /** {@code searchPath}: where to look for {@code busctl}, as {@code $PATH}; {@code selfCgroup}: {@code /proc/self/cgroup}. */
    SystemdUserScope(String searchPath, Path selfCgroup, long pid, Duration timeout) {
        this.searchPath = searchPath == null ? "" : searchPath;
        this.selfCgroup = selfCgroup;
        this.pid = pid;
        this.timeout = timeout;
    }

    /**
     * Enters a user scope named after {@code appKey} (the app's directory) and this pid when it is
     * useful here: not root, no cgroup that limits dynos yet, cgroup v2 with the {@code cpu} and
     * {@code memory} controllers, and a systemd user manager that answers. The scope's unit name,
     * or empty when nothing was changed. Call it before anything asks {@link CgroupHierarchy#host()}.
     */
    public static Optional<String> enterIfUseful(String appKey) {
        if (CgroupDelegation.effectiveUid() == 0) {
            return Optional.empty(); // root writes cgroups itself
        }
        if (CgroupHierarchy.host().map(CgroupHierarchy::enforces).orElse(false)) {
            return Optional.empty();
        }
        Optional<Path> v2 = v2WithCpuAndMemory();
        if (v2.isEmpty()) {
            logger.debug("no cgroup v2 with the cpu and memory controllers: a systemd user scope would not limit dynos");
            return Optional.empty();
        }
        long uid = CgroupDelegation.effectiveUid();
        Path userManager = v2.get().resolve("user.slice/user-" + uid + ".slice/user@" + uid + ".service");
        if (Files.isDirectory(userManager)
                && !CgroupDelegation.words(userManager.resolve("cgroup.controllers")).containsAll(List.of("cpu", "memory"))) {
            logger.warn("systemd gives user@{}.service no cpu or no memory controller, so a user scope would not limit dynos;"
                    + " Delegate=cpu cpuset io memory pids in /etc/systemd/system/user@.service.d/delegate.conf gives them", uid);
            return Optional.empty();
        }
        long pid = ProcessHandle.current().pid();
        Optional<String> unit = new SystemdUserScope(System.getenv("PATH"), Path.of("/proc/self/cgroup"), pid,
                Duration.ofSeconds(3)).enter(unitName(appKey, pid));
        unit.ifPresent(u -> CgroupHierarchy.forgetHost());
        return unit;
    }

    /** {@code dyno-HASH-PID.scope}: the app (a hash of {@code appKey}) and the manager. */
    static String unitName(String appKey, long pid) {
        return String.format("dyno-%08x-%d.scope", appKey.hashCode(), pid);
    }

    /** Starts {@code unit} around this process and waits until the kernel shows it there; whether it did. */
    Optional<String> enter(String unit) {
        Optional<Path> busctl = find("busctl");
        if (busctl.isEmpty()) {
            logger.debug("no busctl on PATH: no systemd user scope");
            return Optional.empty();
        }
        List<String> probe = new ArrayList<>(List.of(busctl.get().toString(), "--user", "get-property"));
        probe.addAll(MANAGER);
        probe.add("Version");
        Result version = run(probe);
        if (!version.ok() || !version.out().startsWith("s ")) {
            // no user manager (a container, a session without systemd --user): sizes stay sampled
            logger.debug("no systemd user manager answers ({})", version.why());
            return Optional.empty();
        }
        List<String> start = new ArrayList<>(List.of(busctl.get().toString(), "--user", "call"));
        start.addAll(MANAGER);
        start.addAll(List.of("StartTransientUnit", "ssa(sv)a(sa(sv))", unit, "fail",
                "4", "Description", "s", "Dyno manager " + pid + " and its dynos",
                "PIDs", "au", "1", Long.toString(pid),
                "Delegate", "b", "true",
                "CollectMode", "s", "inactive-or-failed",
                "0"));
        Result started = run(start);
        if (!started.ok()) {
            logger.warn("cannot start a systemd user scope for the dynos' cgroups ({}); sizes are not enforced by the kernel",
                    started.why());
            return Optional.empty();
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (inside(unit)) {
                logger.debug("in systemd user scope {}", unit);
                return Optional.of(unit);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        logger.warn("systemd user scope {} started, but this process was not moved into it within {} ms;"
                + " sizes are not enforced by the kernel", unit, timeout.toMillis());
        return Optional.empty();
    }

    /** Whether this process's cgroup v2 is {@code unit}'s ({@code 0::/.../unit}). */
    private boolean inside(String unit) {
        try {
            return Files.readAllLines(selfCgroup, StandardCharsets.US_ASCII).stream()
                    .anyMatch(l -> l.startsWith("0::") && l.endsWith("/" + unit));
        } catch (IOException e) {
            return false;
        }
    }

    private Optional<Path> find(String program) {
        for (String dir : searchPath.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    private record Result(boolean ok, String out, String why) {
    }

    /** Runs {@code command} for at most the timeout; its stdout, or why it failed in one line. */
    private Result run(List<String> command) {
        try {
            Path err = Files.createTempFile("dyno-busctl", ".err");
            try {
                Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                        .redirectError(err.toFile()).start();
                byte[] out;
                try (var in = p.getInputStream()) {
                    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                        p.destroyForcibly();
                        return new Result(false, "", command.get(2) + " timed out after " + timeout.toMillis() + " ms");
                    }
                    out = in.readAllBytes();
                }
                String stderr = Files.readString(err).strip();
                return new Result(p.exitValue() == 0, new String(out, StandardCharsets.UTF_8).strip(),
                        "busctl " + command.get(2) + " exited with " + p.exitValue()
                                + (stderr.isEmpty() ? "" : ": " + stderr.lines().findFirst().orElse("")));
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            return new Result(false, "", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(false, "", "interrupted");
        }
    }

    /** The cgroup v2 mount, where its root offers {@code cpu} and {@code memory} (not a v1 or hybrid host). */
    private static Optional<Path> v2WithCpuAndMemory() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (dash > 4 && dash + 1 < f.length && "cgroup2".equals(f[dash + 1]) && "/".equals(f[3])) {
                    Path mount = Path.of(f[4]);
                    return CgroupDelegation.words(mount.resolve("cgroup.controllers")).containsAll(List.of("cpu", "memory"))
                            ? Optional.of(mount) : Optional.empty();
                }
            }
        } catch (IOException | RuntimeException e) {
            logger.debug("cannot read /proc/self/mountinfo", e);
        }
        return Optional.empty();
    }
}
