package dyno.runtime.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cgroup (v2) of one dyno run, where one can be made: every process forked inside it stays in
 * it, whatever it does to its session or parent, and nothing else is ever put there, so its
 * {@code cgroup.procs} are the dyno's. No controller is enabled: it only groups. Where cgroup v2 is
 * not mounted or not writable (no root, a read-only {@code /sys/fs/cgroup}), dynos run without one.
 */
public final class Cgroup {
    private static final Logger logger = LoggerFactory.getLogger(Cgroup.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Optional<Path> BASE = findBase();

    private final Path dir;

    private Cgroup(Path dir) {
        this.dir = dir;
    }

    /** The cgroup at {@code dir}, as recorded earlier; it may be gone. */
    public static Cgroup at(Path dir) {
        return new Cgroup(requireNonNull(dir, "dir"));
    }

    /** Whether dynos get cgroups of their own here. */
    public static boolean available() {
        return BASE.isPresent();
    }

    /** A new, empty cgroup for a run of {@code dyno}; empty where none can be made. */
    public static Optional<Cgroup> create(String dyno) {
        if (BASE.isEmpty()) {
            return Optional.empty();
        }
        Path dir = BASE.get().resolve("dyno-" + ProcessHandle.current().pid() + "-" + dyno + "-"
                + SEQUENCE.incrementAndGet());
        try {
            Files.createDirectory(dir);
            return Optional.of(new Cgroup(dir));
        } catch (IOException e) {
            logger.debug("cannot create cgroup {}", dir, e);
            return Optional.empty();
        }
    }

    public Path dir() {
        return dir;
    }

    /** Moves {@code pid} (and the children it forks from now on) into this cgroup. */
    public boolean add(long pid) {
        try {
            Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
            return true;
        } catch (IOException e) {
            logger.debug("cannot move {} into {}", pid, dir, e);
            return false;
        }
    }

    /** The pids in this cgroup now; empty when it is gone. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // removed, or never was
        }
        return pids;
    }

    /** SIGKILL to every process in the cgroup at once ({@code cgroup.kill}, Linux 5.14+). */
    public void kill() {
        Path kill = dir.resolve("cgroup.kill");
        if (Files.exists(kill)) {
            try {
                Files.writeString(kill, "1");
            } catch (IOException e) {
                logger.debug("cannot write {}", kill, e);
            }
        }
    }

    /** Removes the cgroup once it is empty; whether it is gone. */
    public boolean remove() {
        try {
            Files.deleteIfExists(dir);
            return true;
        } catch (IOException busy) {
            return false; // still populated: processes just killed have not exited yet
        }
    }

    private static Optional<Path> findBase() {
        try {
            Path mount = null;
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPEROPTIONS
                String[] f = line.split(" ");
                int dash = List.of(f).indexOf("-");
                if (dash > 0 && dash + 1 < f.length && "cgroup2".equals(f[dash + 1]) && "/".equals(f[3])) {
                    mount = Path.of(f[4]);
                    break;
                }
            }
            if (mount == null) {
                return Optional.empty();
            }
            String own = "/";
            for (String line : Files.readAllLines(Path.of("/proc/self/cgroup"))) {
                if (line.startsWith("0::")) {
                    own = line.substring(3);
                }
            }
            Path base = mount.resolve(own.substring(1));
            if (!Files.isWritable(base) || !Files.isRegularFile(base.resolve("cgroup.procs"))) {
                return Optional.empty();
            }
            return Optional.of(base);
        } catch (IOException | RuntimeException e) {
            logger.debug("no cgroup v2 for dynos", e);
            return Optional.empty();
        }
    }
}
