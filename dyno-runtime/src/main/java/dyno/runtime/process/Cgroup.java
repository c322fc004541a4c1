package dyno.runtime.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cgroup of one dyno run, where one can be made: every process forked inside it stays in it,
 * whatever it does to its session or parent, and nothing else is ever put there, so its
 * {@code cgroup.procs} are the dyno's. It may span several directories (cgroup v1 has one hierarchy
 * per controller); the first one groups (its {@code cgroup.procs} lists the members). It carries
 * the size's limits where the {@link CgroupHierarchy} allows them. Where no cgroup can be made (no
 * root, a read-only {@code /sys/fs/cgroup}), dynos run without one.
 */
public final class Cgroup {
    private static final Logger logger = LoggerFactory.getLogger(Cgroup.class);

    private final List<Path> dirs;

    private Cgroup(List<Path> dirs) {
        if (dirs.isEmpty()) {
            throw new IllegalArgumentException("dirs: empty (expected: at least one cgroup directory)");
        }
        this.dirs = List.copyOf(dirs);
    }

    /** The cgroup at {@code dir}, as recorded earlier; it may be gone. */
    public static Cgroup at(Path dir) {
        return new Cgroup(List.of(requireNonNull(dir, "dir")));
    }

    /** The cgroup spanning {@code dirs} (the grouping one first), as recorded earlier; they may be gone. */
    public static Cgroup at(List<Path> dirs) {
        return new Cgroup(requireNonNull(dirs, "dirs"));
    }

    /** Whether dynos get cgroups of their own here. */
    public static boolean available() {
        return CgroupHierarchy.host().isPresent();
    }

    /** A new, empty cgroup with no limit for a run of {@code dyno}; empty where none can be made. */
    public static Optional<Cgroup> create(String dyno) {
        return CgroupHierarchy.host().flatMap(h -> h.create(dyno, CgroupLimits.NONE));
    }

    /** The grouping directory. */
    public Path dir() {
        return dirs.get(0);
    }

    /** Every directory of this cgroup, the grouping one first. */
    public List<Path> dirs() {
        return dirs;
    }

    /** Moves {@code pid} (and the children it forks from now on) into this cgroup, in every hierarchy. */
    public boolean add(long pid) {
        for (Path dir : dirs) {
            try {
                Files.writeString(dir.resolve("cgroup.procs"), Long.toString(pid));
            } catch (IOException e) {
                logger.debug("cannot move {} into {}", pid, dir, e);
                return false;
            }
        }
        return true;
    }

    /** The pids in this cgroup now; empty when it is gone. */
    public List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir().resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException gone) {
            // removed, or never was
        }
        return pids;
    }

    /** CPU time its processes used so far, in nanoseconds; empty where it is not accounted. */
    public OptionalLong cpuNanos() {
        for (Path dir : dirs) {
            OptionalLong n = CgroupFiles.cpuNanos(dir);
            if (n.isPresent()) {
                return n;
            }
        }
        return OptionalLong.empty();
    }

    /** How many of its processes the kernel's OOM killer has ended (0 without a memory controller). */
    public long oomKills() {
        for (Path dir : dirs) {
            OptionalLong n = CgroupFiles.oomKills(dir);
            if (n.isPresent()) {
                return n.getAsLong();
            }
        }
        return 0;
    }

    /** SIGKILL to every process in the cgroup at once ({@code cgroup.kill}, cgroup v2, Linux 5.14+). */
    public void kill() {
        Path kill = dir().resolve("cgroup.kill");
        if (Files.exists(kill)) {
            try {
                Files.writeString(kill, "1");
            } catch (IOException e) {
                logger.debug("cannot write {}", kill, e);
            }
        }
    }

    /** Removes the cgroup's directories once they are empty; whether all are gone. */
    public boolean remove() {
        boolean gone = true;
        for (int i = dirs.size() - 1; i >= 0; i--) {
            try {
                Files.deleteIfExists(dirs.get(i));
            } catch (IOException busy) {
                gone = false; // still populated: processes just killed have not exited yet
            }
        }
        return gone;
    }
}
