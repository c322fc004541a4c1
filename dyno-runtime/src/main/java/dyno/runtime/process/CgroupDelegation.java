package dyno.runtime.process;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enabling the {@code cpu}, {@code memory} and {@code cpuset} controllers for the children of the
 * manager's own cgroup v2, and what it takes in a delegated cgroup that holds processes.
 *
 * <p>cgroup v2 lets a non-root cgroup enable controllers for its children only while it holds no
 * process itself ("no internal processes"): the write to {@code cgroup.subtree_control} fails with
 * EBUSY. In a cgroup delegated to the manager (a systemd unit with {@code Delegate=yes}, a
 * container's root cgroup) the documented answer (systemd.io/CGROUP_DELEGATION) is to move its
 * processes into a leaf child first: here {@code dyno-PID-manager}, so that the cleanup of the
 * {@code dyno-PID-*} cgroups of managers that are gone also removes a killed manager's leaf. Dyno
 * cgroups are then made next to the leaf. {@link #release} undoes it when the manager exits.
 */
final class CgroupDelegation {
    private static final Logger logger = LoggerFactory.getLogger(CgroupDelegation.class);
    /** The controllers Dyno enables for its cgroups, in the order they are written. */
    static final List<String> CONTROLLERS = List.of("cpu", "memory", "cpuset");
    private static final Pattern LEAF = Pattern.compile("dyno-[0-9]+-manager");
    /** Rounds of moving a cgroup's processes, for those forked while it was being emptied. */
    private static final int MOVE_ROUNDS = 10;

    /** The writes to cgroupfs that tests replace: the kernel's refusals cannot happen in a plain directory. */
    interface Cgroupfs {
        void write(Path file, String value) throws IOException;

        /** rmdir: cgroupfs removes a cgroup with no process and no child, its files and all. */
        default void remove(Path dir) throws IOException {
            Files.delete(dir);
        }
    }

    /** Where dyno cgroups are made, with which controllers, and the manager's leaf (null: none). */
    record Enabled(Path base, Set<String> controllers, Path leaf) {
    }

    private final Cgroupfs cgroupfs;
    private final boolean root;

    /** {@code root}: whether the manager runs as root, who can write to cgroups that are not delegated to it. */
    CgroupDelegation(Cgroupfs cgroupfs, boolean root) {
        this.cgroupfs = cgroupfs;
        this.root = root;
    }

    /** The real cgroupfs, for a manager that is root or not as this process is. */
    static CgroupDelegation host() {
        return new CgroupDelegation(Files::writeString, effectiveUid() == 0);
    }

    /**
     * Enables the controllers for the children of {@code own} (the manager's cgroup, {@code ownPath}
     * in the hierarchy); where the kernel refuses because {@code own} holds processes and it is
     * delegated, moves them into {@code dyno-PID-manager} and enables them then. In a leaf left by an
     * earlier manager (its processes were moved there) the leaf's parent is used as is.
     */
    Enabled enable(Path own, String ownPath, long managerPid) {
        Path parent = own.getParent();
        if (LEAF.matcher(own.getFileName() == null ? "" : own.getFileName().toString()).matches() && parent != null
                && Files.isWritable(parent.resolve("cgroup.subtree_control"))
                && words(parent.resolve("cgroup.subtree_control")).containsAll(List.of("cpu", "memory"))) {
            add(parent);
            return new Enabled(parent, words(parent.resolve("cgroup.subtree_control")), own);
        }
        Set<String> before = words(own.resolve("cgroup.subtree_control"));
        String missing = missing(own);
        if (missing.isEmpty()) {
            return new Enabled(own, before, null);
        }
        try {
            cgroupfs.write(own.resolve("cgroup.subtree_control"), missing);
            return new Enabled(own, words(own.resolve("cgroup.subtree_control")), null);
        } catch (IOException refused) {
            List<Long> procs = pids(own);
            if (procs.isEmpty() || !delegated(own, ownPath, procs, managerPid)) {
                // e.g. a systemd unit that is not delegated: dyno cgroups only group
                logger.debug("cannot enable {} in {} ({} processes in it)", missing, own, procs.size(), refused);
                return new Enabled(own, before, null);
            }
        }
        Path leaf = own.resolve("dyno-" + managerPid + "-manager");
        try {
            Files.createDirectories(leaf);
            move(own, leaf);
            cgroupfs.write(own.resolve("cgroup.subtree_control"), missing(own));
            logger.debug("moved the processes of {} into {} and enabled {} for its children", own, leaf, missing);
            return new Enabled(own, words(own.resolve("cgroup.subtree_control")), leaf);
        } catch (IOException | RuntimeException e) {
            logger.debug("cannot enable {} in {} after moving its processes into {}", missing, own, leaf, e);
            return new Enabled(own, words(own.resolve("cgroup.subtree_control")), Files.isDirectory(leaf) ? leaf : null);
        }
    }

    /**
     * Undoes {@link #enable} as the manager exits: Dyno's controllers disabled again (a cgroup with
     * controllers for its children may hold no process), the leaf's processes moved back, the leaf
     * removed. Only where nothing but the leaf is left under the base (another manager's dynos keep
     * their limits); whether it was undone.
     */
    boolean release(Enabled enabled) {
        if (enabled.leaf() == null) {
            return true;
        }
        Path base = enabled.base();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(base, Files::isDirectory)) {
            for (Path child : children) {
                if (!child.equals(enabled.leaf())) {
                    logger.debug("{} kept: {} is still there", enabled.leaf(), child);
                    return false;
                }
            }
            String off = CONTROLLERS.stream().filter(words(base.resolve("cgroup.subtree_control"))::contains)
                    .map(c -> "-" + c).collect(Collectors.joining(" "));
            if (!off.isEmpty()) {
                cgroupfs.write(base.resolve("cgroup.subtree_control"), off);
            }
            move(enabled.leaf(), base);
            cgroupfs.remove(enabled.leaf());
            return true;
        } catch (IOException | RuntimeException e) {
            logger.debug("cannot move the processes of {} back and remove it", enabled.leaf(), e);
            return false;
        }
    }

    /**
     * Whether the manager may move the processes of {@code own}: it was given that cgroup, not merely
     * able to write it (a user can write every cgroup under its {@code user@UID.service}, a terminal's
     * scope included, and root every one). Given: the root of its cgroup namespace (a container), a
     * cgroup systemd marked delegated, a scope Dyno started with {@code Delegate=yes}, or, not root,
     * one that holds nothing but the manager ({@code systemd-run --user --scope -p Delegate=yes dyno up}).
     */
    private boolean delegated(Path own, String ownPath, List<Long> procs, long managerPid) {
        if (!Files.isWritable(own.resolve("cgroup.procs")) || !Files.isWritable(own.resolve("cgroup.subtree_control"))) {
            return false;
        }
        String name = own.getFileName() == null ? "" : own.getFileName().toString();
        return "/".equals(ownPath) || delegateMark(own) || SystemdUserScope.DYNO_SCOPE.matcher(name).matches()
                || (!root && procs.equals(List.of(managerPid)));
    }

    /** systemd marks a delegated unit's cgroup with the {@code user.delegate} extended attribute. */
    private static boolean delegateMark(Path dir) {
        try {
            UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
            if (view == null || !view.list().contains("delegate")) {
                return false;
            }
            ByteBuffer value = ByteBuffer.allocate(view.size("delegate"));
            view.read("delegate", value);
            return "1".equals(new String(value.array(), StandardCharsets.US_ASCII).trim());
        } catch (IOException | RuntimeException none) {
            return false;
        }
    }

    /** Moves every process of {@code from} into {@code to}, again for those forked meanwhile. */
    private void move(Path from, Path to) throws IOException {
        for (int round = 0; round < MOVE_ROUNDS; round++) {
            List<Long> procs = pids(from);
            if (procs.isEmpty()) {
                return;
            }
            for (long pid : procs) {
                try {
                    cgroupfs.write(to.resolve("cgroup.procs"), Long.toString(pid));
                } catch (IOException e) {
                    if (ProcessHandle.of(pid).isPresent()) {
                        throw e;
                    } // else it exited meanwhile
                }
            }
        }
        throw new IOException(from + " still holds processes after " + MOVE_ROUNDS + " rounds of moving them");
    }

    private void add(Path base) {
        String missing = missing(base);
        if (!missing.isEmpty()) {
            try {
                cgroupfs.write(base.resolve("cgroup.subtree_control"), missing);
            } catch (IOException e) {
                logger.debug("cannot enable {} in {}", missing, base, e);
            }
        }
    }

    /** The controllers available in {@code dir} and not yet enabled for its children, as a write: "+cpu +memory". */
    private static String missing(Path dir) {
        Set<String> available = words(dir.resolve("cgroup.controllers"));
        Set<String> enabled = words(dir.resolve("cgroup.subtree_control"));
        return CONTROLLERS.stream().filter(available::contains).filter(c -> !enabled.contains(c))
                .map(c -> "+" + c).collect(Collectors.joining(" "));
    }

    static Set<String> words(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).trim();
            // "+cpu" only in a test's plain file standing for cgroupfs, which shows "cpu" once enabled
            return text.isEmpty() ? Set.of()
                    : Arrays.stream(text.split("\\s+")).map(w -> w.replaceFirst("^\\+", "")).collect(Collectors.toSet());
        } catch (IOException e) {
            return Set.of();
        }
    }

    static List<Long> pids(Path dir) {
        List<Long> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"), StandardCharsets.US_ASCII)) {
                if (!line.isBlank()) {
                    pids.add(Long.parseLong(line.trim()));
                }
            }
        } catch (IOException | NumberFormatException none) {
            // gone, or not a cgroup
        }
        return pids;
    }

    /** The effective uid of this process ({@code /proc/self/status}); -1 when unknown. */
    static long effectiveUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return Long.parseLong(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException unknown) {
            // not Linux
        }
        return -1;
    }
}
