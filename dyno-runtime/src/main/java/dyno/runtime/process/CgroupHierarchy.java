package dyno.runtime.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where this manager can make cgroups for its dynos, and which limits they can carry. Dyno cgroups
 * are made under the manager's own cgroup, so whatever limits the manager itself runs under also
 * bound its dynos. Two layouts are understood:
 * <ul>
 *   <li>cgroup v2 ({@code cgroup2} mount): a dyno gets one directory; with the {@code cpu} and
 *       {@code memory} controllers available there it carries {@code cpu.max} and {@code memory.max}
 *       (and {@code cpuset.cpus} with {@code cpuset}).</li>
 *   <li>cgroup v1 (one mount per controller): a dyno gets a directory in the {@code cpu},
 *       {@code cpuacct}, {@code memory} and (pinned only) {@code cpuset} hierarchies, with
 *       {@code cpu.cfs_quota_us}, {@code memory.limit_in_bytes} and {@code cpuset.cpus}. A v2 mount
 *       with no controller (a hybrid host) still groups: its {@code cgroup.kill} reaches every process.</li>
 * </ul>
 * Read from {@code /proc/self/mountinfo} and {@code /proc/self/cgroup}; {@link #detect} takes their
 * lines so that tests can point it at a directory laid out like {@code /sys/fs/cgroup}. In a delegated
 * v2 cgroup that holds processes, the manager's processes move into a leaf first
 * ({@link CgroupDelegation}) and dyno cgroups are made next to it.
 */
public final class CgroupHierarchy {
    private static final Logger logger = LoggerFactory.getLogger(CgroupHierarchy.class);
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Pattern STALE = Pattern.compile("dyno-([0-9]+)-.+");
    /** The v1 controllers Dyno uses, in the order a dyno's directories are listed. */
    private static final List<String> V1 = List.of("memory", "cpu", "cpuacct", "cpuset");
    private static volatile Optional<CgroupHierarchy> host;

    /**
     * Where dyno cgroups are made in v2: the manager's own cgroup, or its parent once the manager's
     * processes are in a leaf; null without a writable v2 hierarchy.
     */
    private final Path unified;
    /** The v2 controllers enabled for the children of {@link #unified}. */
    private final Set<String> unifiedControllers;
    /** How the controllers were enabled, for {@link #release}; null on v1. */
    private final CgroupDelegation.Enabled enabledV2;
    private final CgroupDelegation delegation;
    /** Each usable v1 controller and the manager's own (writable) directory in its hierarchy. */
    private final Map<String, Path> v1;
    private final long managerPid;

    private CgroupHierarchy(CgroupDelegation delegation, CgroupDelegation.Enabled enabledV2, Map<String, Path> v1,
            long managerPid) {
        this.delegation = delegation;
        this.enabledV2 = enabledV2;
        this.unified = enabledV2 == null ? null : enabledV2.base();
        this.unifiedControllers = enabledV2 == null ? Set.of() : Set.copyOf(enabledV2.controllers());
        Map<String, Path> ordered = new LinkedHashMap<>();
        V1.stream().filter(v1::containsKey).forEach(c -> ordered.put(c, v1.get(c)));
        this.v1 = java.util.Collections.unmodifiableMap(ordered);
        this.managerPid = managerPid;
    }

    /**
     * This machine's hierarchy as seen by this process; empty where no cgroup can be made. Detected
     * once; where the manager's processes were moved into a leaf, moved back at exit.
     */
    public static Optional<CgroupHierarchy> host() {
        Optional<CgroupHierarchy> h = host;
        if (h == null) {
            synchronized (CgroupHierarchy.class) {
                if (host == null) {
                    host = detectHost();
                    host.filter(c -> c.enabledV2 != null && c.enabledV2.leaf() != null).ifPresent(c ->
                            Runtime.getRuntime().addShutdownHook(new Thread(c::release, "dyno-cgroup-release")));
                }
                h = host;
            }
        }
        return h;
    }

    /** Detects the host's hierarchy again on next {@link #host()}: this process was just moved to another cgroup. */
    static synchronized void forgetHost() {
        host = null;
    }

    private static Optional<CgroupHierarchy> detectHost() {
        try {
            return detect(Files.readAllLines(Path.of("/proc/self/mountinfo")),
                    Files.readAllLines(Path.of("/proc/self/cgroup")), ProcessHandle.current().pid(),
                    CgroupDelegation.host());
        } catch (IOException | RuntimeException e) {
            logger.debug("no cgroups for dynos", e);
            return Optional.empty();
        }
    }

    /**
     * The hierarchy described by {@code mountinfo} (lines of {@code /proc/self/mountinfo}) and
     * {@code selfCgroup} (lines of {@code /proc/self/cgroup}) for a manager of pid {@code managerPid};
     * empty when no writable cgroup directory was found. On v2 it enables {@code cpu}, {@code memory}
     * and {@code cpuset} for the children of the manager's cgroup where they are available.
     */
    public static Optional<CgroupHierarchy> detect(List<String> mountinfo, List<String> selfCgroup, long managerPid) {
        return detect(mountinfo, selfCgroup, managerPid, CgroupDelegation.host());
    }

    /** {@link #detect(List, List, long)} writing {@code subtree_control} and {@code cgroup.procs} through {@code delegation}. */
    static Optional<CgroupHierarchy> detect(List<String> mountinfo, List<String> selfCgroup, long managerPid,
            CgroupDelegation delegation) {
        Map<String, String> own = new LinkedHashMap<>(); // controller ("" for v2) -> path in its hierarchy
        for (String line : selfCgroup) {
            String[] f = line.split(":", 3);
            if (f.length == 3) {
                if (f[1].isEmpty()) {
                    own.put("", f[2]);
                } else {
                    for (String c : f[1].split(",")) {
                        own.put(c, f[2]);
                    }
                }
            }
        }
        CgroupDelegation.Enabled enabledV2 = null;
        Map<String, Path> v1 = new LinkedHashMap<>();
        for (String line : mountinfo) {
            // ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS ... - FSTYPE SOURCE SUPEROPTIONS
            String[] f = line.split(" ");
            int dash = Arrays.asList(f).indexOf("-");
            if (dash < 5 || dash + 3 >= f.length) {
                continue;
            }
            String root = f[3];
            Path mount = Path.of(unescape(f[4]));
            if ("cgroup2".equals(f[dash + 1]) && enabledV2 == null && own.containsKey("")) {
                Path dir = inside(mount, root, own.get(""));
                if (dir != null && writable(dir)) {
                    enabledV2 = delegation.enable(dir, own.get(""), managerPid);
                }
            } else if ("cgroup".equals(f[dash + 1])) {
                for (String option : f[dash + 3].split(",")) {
                    if (V1.contains(option) && own.containsKey(option) && !v1.containsKey(option)) {
                        Path dir = inside(mount, root, own.get(option));
                        if (dir != null && writable(dir)) {
                            v1.put(option, dir);
                        }
                    }
                }
            }
        }
        if (enabledV2 == null && v1.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new CgroupHierarchy(delegation, enabledV2, v1, managerPid));
    }

    /**
     * Moves the manager's processes back out of its leaf and removes it, where it had to make one and
     * no dyno cgroup is left; whether nothing of it remains. Run at exit by {@link #host()}'s hierarchy.
     */
    public boolean release() {
        return enabledV2 == null || delegation.release(enabledV2);
    }

    /** Whether dyno cgroups carry a CPU and a memory limit here. */
    public boolean enforces() {
        return enforcesOnV2() || (v1.containsKey("cpu") && v1.containsKey("memory"));
    }

    /** Whether dynos can be pinned to cores here. */
    public boolean pins() {
        return enforcesOnV2() ? unifiedControllers.contains("cpuset") : v1.containsKey("cpuset");
    }

    private boolean enforcesOnV2() {
        return unified != null && unifiedControllers.containsAll(List.of("cpu", "memory"));
    }

    /** One line for the log: which hierarchy and controllers dyno cgroups use. */
    public String describe() {
        if (enforcesOnV2()) {
            Path leaf = enabledV2.leaf();
            return "cgroup v2" + unit(unified) + " under " + unified + " (" + String.join(", ", sorted(unifiedControllers))
                    + (leaf == null ? "" : "; the manager's processes in " + leaf.getFileName()) + ")";
        }
        String v1s = v1.isEmpty() ? "" : "cgroup v1 " + String.join(", ", v1.keySet()) + " (under "
                + v1.values().iterator().next() + " and the like)";
        if (unified == null) {
            return v1s;
        }
        String v2 = "cgroup v2" + unit(unified) + " under " + unified + (unifiedControllers.isEmpty()
                ? " (no controller: grouping only)"
                : " (" + String.join(", ", sorted(unifiedControllers)) + ": not both cpu and memory, grouping only)");
        return v1s.isEmpty() ? v2 : v1s + ", grouped in cgroup v2 under " + unified;
    }

    /** " (systemd user scope NAME)" where {@code dir} is a systemd unit's cgroup; "" otherwise. */
    private static String unit(Path dir) {
        String name = dir.getFileName() == null ? "" : dir.getFileName().toString();
        String kind = name.endsWith(".scope") ? "scope" : name.endsWith(".service") ? "service" : null;
        if (kind == null) {
            return "";
        }
        boolean user = dir.toString().matches(".*/user@[0-9]+\\.service/.*");
        return " (systemd " + (user ? "user " : "") + kind + " " + name + ")";
    }

    /**
     * A new cgroup for a run of {@code dyno} carrying {@code limits} (those this hierarchy supports);
     * when the limits cannot be written it is made without them (logged); empty when none can be made.
     */
    public Optional<Cgroup> create(String dyno, CgroupLimits limits) {
        requireNonNull(limits, "limits");
        String name = "dyno-" + managerPid + "-" + dyno + "-" + SEQUENCE.incrementAndGet();
        List<Path> made = new ArrayList<>();
        try {
            if (unified != null) {
                Path dir = mkdir(unified.resolve(name), made);
                if (enforcesOnV2()) {
                    CgroupFiles.applyV2(dir, limits, unifiedControllers.contains("cpuset"));
                }
            }
            if (!enforcesOnV2()) {
                for (Map.Entry<String, Path> c : v1.entrySet()) {
                    String controller = c.getKey();
                    boolean wanted = switch (controller) {
                        case "cpu" -> limits.cpuCores() > 0;
                        case "cpuset" -> limits.cpus() != null;
                        default -> true; // memory: the limit and OOM kills; cpuacct: CPU used
                    };
                    Path dir = c.getValue().resolve(name);
                    if (wanted && !made.contains(dir)) {
                        mkdir(dir, made);
                        CgroupFiles.applyV1(controller, dir, limits);
                    }
                }
            }
            return made.isEmpty() ? Optional.empty() : Optional.of(Cgroup.at(made));
        } catch (IOException | RuntimeException e) {
            for (int i = made.size() - 1; i >= 0; i--) {
                try {
                    Files.deleteIfExists(made.get(i));
                } catch (IOException busy) {
                    logger.debug("cannot remove {}", made.get(i), busy);
                }
            }
            if (!limits.equals(CgroupLimits.NONE)) {
                logger.warn("{}: cannot set cgroup limits {} ({}); the dyno runs without them", dyno, limits, e.toString());
                return create(dyno, CgroupLimits.NONE);
            }
            logger.debug("cannot create a cgroup for {}", dyno, e);
            return Optional.empty();
        }
    }

    /**
     * Removes the empty dyno cgroups of managers that are gone (a killed daemon whose record was
     * lost); returns how many. A populated one is left alone: its pid record ends its processes.
     */
    public int removeStale() {
        int removed = 0;
        List<Path> bases = new ArrayList<>(v1.values());
        if (unified != null) {
            bases.add(unified);
        }
        for (Path base : bases.stream().distinct().toList()) {
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(base, "dyno-*")) {
                for (Path dir : dirs) {
                    Matcher m = STALE.matcher(dir.getFileName().toString());
                    if (m.matches() && Files.isDirectory(dir) && !managerAlive(Long.parseLong(m.group(1)))) {
                        try {
                            Files.delete(dir);
                            removed++;
                        } catch (IOException populated) {
                            logger.debug("stale cgroup {} not removed", dir, populated);
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                logger.debug("cannot list {}", base, e);
            }
        }
        return removed;
    }

    private boolean managerAlive(long pid) {
        return pid == managerPid || ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Path mkdir(Path dir, List<Path> made) throws IOException {
        Files.createDirectory(dir);
        made.add(dir);
        return dir;
    }

    /** {@code own}, a path in the hierarchy, under {@code mount} whose root is {@code root}; null when outside it. */
    private static Path inside(Path mount, String root, String own) {
        String rel = own;
        if (!"/".equals(root)) {
            if (!own.equals(root) && !own.startsWith(root + "/")) {
                return null;
            }
            rel = own.substring(root.length());
        }
        rel = rel.replaceFirst("^/+", "");
        return rel.isEmpty() ? mount : mount.resolve(rel);
    }

    private static boolean writable(Path dir) {
        return Files.isDirectory(dir) && Files.isWritable(dir) && Files.isRegularFile(dir.resolve("cgroup.procs"));
    }

    private static List<String> sorted(Set<String> s) {
        return s.stream().sorted().toList();
    }

    /** mountinfo escapes space, tab, newline and backslash as octal. */
    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
