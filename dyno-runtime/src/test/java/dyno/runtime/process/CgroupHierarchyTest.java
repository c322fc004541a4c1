package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The v2 and v1 layouts against a temp directory laid out like {@code /sys/fs/cgroup}. Where the
 * kernel's refusals matter (a delegated cgroup that holds processes), {@link Kernel} stands for it.
 */
class CgroupHierarchyTest {
    private static final long MANAGER = 4242;

    @TempDir
    Path fs;

    @Test
    void v2EnablesControllersAndWritesCpuMaxAndMemoryMax() throws Exception {
        Path own = group(fs.resolve("user.slice/dyno.scope"));
        Files.writeString(own.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        CgroupHierarchy h = CgroupHierarchy.detect(
                List.of("30 23 0:26 / " + fs + " rw,nosuid - cgroup2 cgroup2 rw"),
                List.of("0::/user.slice/dyno.scope"), MANAGER).orElseThrow();

        assertThat(h.enforces()).isTrue();
        assertThat(h.pins()).isTrue();
        assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).isEqualTo("+cpu +memory +cpuset");
        assertThat(h.describe()).isEqualTo("cgroup v2 (systemd scope dyno.scope) under " + own + " (cpu, cpuset, memory)");

        Cgroup c = h.create("web.1", new CgroupLimits(0.5, 1L << 30, "1")).orElseThrow();
        assertThat(c.dirs()).hasSize(1);
        assertThat(c.dir().getParent()).isEqualTo(own);
        assertThat(c.dir().getFileName().toString()).matches("dyno-4242-web\\.1-\\d+");
        assertThat(Files.readString(c.dir().resolve("cpu.max"))).isEqualTo("50000 100000");
        assertThat(Files.readString(c.dir().resolve("memory.max"))).isEqualTo(Long.toString(1L << 30));
        assertThat(Files.readString(c.dir().resolve("cpuset.cpus"))).isEqualTo("1");

        Files.writeString(c.dir().resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        Files.writeString(c.dir().resolve("memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
        assertThat(c.cpuNanos()).hasValue(1_500_000);
        assertThat(c.oomKills()).isEqualTo(1);
    }

    @Test
    void v2WithoutControllersOnlyGroups() throws Exception {
        Path own = group(fs);
        Files.writeString(own.resolve("cgroup.controllers"), "");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        CgroupHierarchy h = CgroupHierarchy.detect(List.of("41 31 0:38 / " + fs + " rw,relatime - cgroup2 cgroup2 rw"),
                List.of("0::/"), MANAGER).orElseThrow();

        assertThat(h.enforces()).isFalse();
        assertThat(h.describe()).isEqualTo("cgroup v2 under " + fs + " (no controller: grouping only)");
        Cgroup c = h.create("worker.1", new CgroupLimits(0.25, 1L << 29, null)).orElseThrow();
        assertThat(c.dir()).isDirectory();
        assertThat(c.dir().resolve("cpu.max")).doesNotExist();
        assertThat(c.oomKills()).isZero();
    }

    @Test
    void v1WritesQuotaMemoryLimitAndCpusetInEachHierarchyUnderTheManagersOwnCgroup() throws Exception {
        Path cpu = group(fs.resolve("cpu"));
        Path cpuacct = group(fs.resolve("cpuacct"));
        Path cpuset = group(fs.resolve("cpuset"));
        Files.writeString(cpuset.resolve("cpuset.mems"), "0\n");
        Path memory = group(fs.resolve("memory/daemons/7"));
        CgroupHierarchy h = CgroupHierarchy.detect(List.of(
                "32 31 0:29 / " + cpu + " rw,relatime - cgroup cgroup rw,cpu",
                "33 31 0:30 / " + cpuacct + " rw,relatime - cgroup cgroup rw,cpuacct",
                "34 31 0:31 / " + cpuset + " rw,relatime - cgroup cgroup rw,cpuset",
                "35 31 0:32 / " + fs.resolve("memory") + " rw,relatime - cgroup cgroup rw,memory"),
                List.of("4:memory:/daemons/7", "3:cpuset:/", "2:cpuacct:/", "1:cpu:/"), MANAGER).orElseThrow();

        assertThat(h.enforces()).isTrue();
        assertThat(h.pins()).isTrue();
        Cgroup c = h.create("web.2", new CgroupLimits(0.25, 1L << 30, "0-1")).orElseThrow();

        String name = c.dir().getFileName().toString();
        assertThat(c.dirs()).containsExactly(memory.resolve(name), cpu.resolve(name), cpuacct.resolve(name),
                cpuset.resolve(name));
        assertThat(Files.readString(cpu.resolve(name).resolve("cpu.cfs_period_us"))).isEqualTo("100000");
        assertThat(Files.readString(cpu.resolve(name).resolve("cpu.cfs_quota_us"))).isEqualTo("25000");
        assertThat(Files.readString(memory.resolve(name).resolve("memory.limit_in_bytes"))).isEqualTo(Long.toString(1L << 30));
        assertThat(Files.readString(cpuset.resolve(name).resolve("cpuset.cpus"))).isEqualTo("0-1");
        assertThat(Files.readString(cpuset.resolve(name).resolve("cpuset.mems"))).isEqualTo("0");

        Files.writeString(cpuacct.resolve(name).resolve("cpuacct.usage"), "123456789\n");
        Files.writeString(memory.resolve(name).resolve("memory.oom_control"), "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n");
        assertThat(c.cpuNanos()).hasValue(123_456_789);
        assertThat(c.oomKills()).isEqualTo(2);
    }

    @Test
    void v1WithoutACpuLimitMakesNoCpuOrCpusetDirectory() throws Exception {
        Path cpu = group(fs.resolve("cpu"));
        Path memory = group(fs.resolve("memory"));
        CgroupHierarchy h = CgroupHierarchy.detect(List.of(
                "32 31 0:29 / " + cpu + " rw,relatime - cgroup cgroup rw,cpu",
                "35 31 0:32 / " + memory + " rw,relatime - cgroup cgroup rw,memory"),
                List.of("4:memory:/", "1:cpu:/"), MANAGER).orElseThrow();

        Cgroup c = h.create("web.1", new CgroupLimits(0, 1L << 30, null)).orElseThrow();

        assertThat(c.dirs()).containsExactly(memory.resolve(c.dir().getFileName()));
    }

    @Test
    void nothingWritableMeansNoHierarchy() throws Exception {
        assertThat(CgroupHierarchy.detect(List.of("22 1 0:21 / /proc rw - proc proc rw"), List.of("0::/"), MANAGER))
                .isEmpty();
        // mounted, but the manager's own cgroup is not there (another namespace's view)
        Files.createDirectories(fs.resolve("memory"));
        assertThat(CgroupHierarchy.detect(List.of("35 31 0:32 / " + fs.resolve("memory") + " rw - cgroup cgroup rw,memory"),
                List.of("4:memory:/elsewhere"), MANAGER)).isEmpty();
    }

    @Test
    void removesEmptyCgroupsOfManagersThatAreGoneOnly() throws Exception {
        Path own = group(fs);
        Files.writeString(own.resolve("cgroup.controllers"), "");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        CgroupHierarchy h = CgroupHierarchy.detect(List.of("41 31 0:38 / " + fs + " rw - cgroup2 cgroup2 rw"),
                List.of("0::/"), MANAGER).orElseThrow();
        long alive = ProcessHandle.current().pid();
        Path gone = Files.createDirectory(fs.resolve("dyno-2147483647-web.1-3")); // above any pid_max
        Path live = Files.createDirectory(fs.resolve("dyno-" + alive + "-web.1-1"));
        Path mine = Files.createDirectory(fs.resolve("dyno-" + MANAGER + "-web.2-1"));
        Path other = Files.createDirectory(fs.resolve("system.slice"));

        assertThat(h.removeStale()).isEqualTo(1);

        assertThat(gone).doesNotExist();
        assertThat(live).isDirectory();
        assertThat(mine).isDirectory();
        assertThat(other).isDirectory();
    }

    @Test
    void delegatedCgroupHoldingProcessesMovesThemIntoALeafAndMakesDynoCgroupsNextToIt() throws Exception {
        Path own = group(fs.resolve("user.slice/user-1000.slice/user@1000.service/app.slice/dyno-ab12cd34-77.scope"));
        Files.writeString(own.resolve("cgroup.controllers"), "cpuset cpu io memory pids");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        Files.writeString(own.resolve("cgroup.procs"), "77\n78\n");
        Kernel kernel = new Kernel(fs);
        CgroupHierarchy h = CgroupHierarchy.detect(List.of("30 23 0:26 / " + fs + " rw,nosuid - cgroup2 cgroup2 rw"),
                List.of("0::/user.slice/user-1000.slice/user@1000.service/app.slice/dyno-ab12cd34-77.scope"), 77,
                new CgroupDelegation(kernel, false)).orElseThrow();

        Path leaf = own.resolve("dyno-77-manager");
        assertThat(Files.readString(leaf.resolve("cgroup.procs"))).isEqualTo("77\n78\n");
        assertThat(Files.readString(own.resolve("cgroup.procs"))).isEmpty();
        assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).isEqualTo("+cpu +memory +cpuset");
        assertThat(h.enforces()).isTrue();
        assertThat(h.describe()).isEqualTo("cgroup v2 (systemd user scope dyno-ab12cd34-77.scope) under " + own
                + " (cpu, cpuset, memory; the manager's processes in dyno-77-manager)");

        Cgroup c = h.create("web.1", new CgroupLimits(0.25, 1L << 29, null)).orElseThrow();
        assertThat(c.dir().getParent()).isEqualTo(own);
        assertThat(Files.readString(c.dir().resolve("cpu.max"))).isEqualTo("25000 100000");

        assertThat(h.release()).as("a dyno cgroup is still there").isFalse();
        assertThat(leaf).isDirectory();
        deleteGroup(c.dir());
        assertThat(h.release()).isTrue();
        assertThat(leaf).doesNotExist();
        assertThat(Files.readString(own.resolve("cgroup.procs"))).isEqualTo("77\n78\n");
        assertThat(Files.readString(own.resolve("cgroup.subtree_control"))).isEqualTo("-cpu -memory -cpuset");
    }

    @Test
    void aScopeGivenMemoryButNoCpuSaysWhichControllersItGot() throws Exception {
        Path own = group(fs.resolve("user.slice/user-1000.slice/user@1000.service/app.slice/dyno-ab12cd34-77.scope"));
        Files.writeString(own.resolve("cgroup.controllers"), "memory pids"); // user@.service with Delegate=memory pids
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        Files.writeString(own.resolve("cgroup.procs"), "77\n");
        CgroupHierarchy h = CgroupHierarchy.detect(List.of("30 23 0:26 / " + fs + " rw - cgroup2 cgroup2 rw"),
                List.of("0::/user.slice/user-1000.slice/user@1000.service/app.slice/dyno-ab12cd34-77.scope"), 77,
                new CgroupDelegation(new Kernel(fs), false)).orElseThrow();

        assertThat(h.enforces()).isFalse();
        assertThat(h.describe()).isEqualTo("cgroup v2 (systemd user scope dyno-ab12cd34-77.scope) under " + own
                + " (memory: not both cpu and memory, grouping only)");
    }

    @Test
    void rootMovesProcessesOnlyInItsNamespacesRootCgroup() throws Exception {
        // a session scope root can write but was not given: dyno cgroups only group, as before
        Path session = group(fs.resolve("user.slice/user-0.slice/session-3.scope"));
        Files.writeString(session.resolve("cgroup.controllers"), "cpu memory pids");
        Files.writeString(session.resolve("cgroup.subtree_control"), "");
        Files.writeString(session.resolve("cgroup.procs"), "900\n77\n");
        String mount = "30 23 0:26 / " + fs + " rw,nosuid - cgroup2 cgroup2 rw";
        CgroupHierarchy inSession = CgroupHierarchy.detect(List.of(mount),
                List.of("0::/user.slice/user-0.slice/session-3.scope"), 77, new CgroupDelegation(new Kernel(fs), true))
                .orElseThrow();
        assertThat(inSession.enforces()).isFalse();
        assertThat(Files.readString(session.resolve("cgroup.procs"))).isEqualTo("900\n77\n");
        assertThat(session.resolve("dyno-77-manager")).doesNotExist();

        // a container's root cgroup (its own cgroup namespace): its processes move into the leaf
        Path container = group(fs.resolve("ns"));
        Files.writeString(container.resolve("cgroup.controllers"), "cpu memory pids");
        Files.writeString(container.resolve("cgroup.subtree_control"), "");
        Files.writeString(container.resolve("cgroup.procs"), "1\n77\n");
        CgroupHierarchy inContainer = CgroupHierarchy.detect(List.of("30 23 0:26 / " + container + " rw - cgroup2 cgroup2 rw"),
                List.of("0::/"), 77, new CgroupDelegation(new Kernel(container), true)).orElseThrow();
        assertThat(inContainer.enforces()).isTrue();
        assertThat(inContainer.pins()).isFalse();
        assertThat(Files.readString(container.resolve("dyno-77-manager/cgroup.procs"))).isEqualTo("1\n77\n");
        assertThat(inContainer.describe()).isEqualTo("cgroup v2 under " + container
                + " (cpu, memory; the manager's processes in dyno-77-manager)");
    }

    @Test
    void aUserMovesProcessesOnlyOutOfACgroupGivenToIt() throws Exception {
        String mount = "30 23 0:26 / " + fs + " rw - cgroup2 cgroup2 rw";
        String apps = "user.slice/user-1000.slice/user@1000.service/app.slice/";
        // a terminal's scope: the user can write it, but it holds the shell too and was not delegated
        Path terminal = group(fs.resolve(apps + "app-terminal-1234.scope"));
        Files.writeString(terminal.resolve("cgroup.controllers"), "cpu memory pids");
        Files.writeString(terminal.resolve("cgroup.subtree_control"), "");
        Files.writeString(terminal.resolve("cgroup.procs"), "300\n77\n");
        CgroupHierarchy inTerminal = CgroupHierarchy.detect(List.of(mount), List.of("0::/" + apps + "app-terminal-1234.scope"),
                77, new CgroupDelegation(new Kernel(fs), false)).orElseThrow();
        assertThat(inTerminal.enforces()).isFalse();
        assertThat(Files.readString(terminal.resolve("cgroup.procs"))).isEqualTo("300\n77\n");

        // systemd-run --user --scope -p Delegate=yes dyno up: the manager alone in its scope
        Path run = group(fs.resolve(apps + "run-u12.scope"));
        Files.writeString(run.resolve("cgroup.controllers"), "cpu memory pids");
        Files.writeString(run.resolve("cgroup.subtree_control"), "");
        Files.writeString(run.resolve("cgroup.procs"), "77\n");
        CgroupHierarchy inRun = CgroupHierarchy.detect(List.of(mount), List.of("0::/" + apps + "run-u12.scope"),
                77, new CgroupDelegation(new Kernel(fs), false)).orElseThrow();
        assertThat(inRun.enforces()).isTrue();
        assertThat(inRun.describe()).startsWith("cgroup v2 (systemd user scope run-u12.scope) under " + run);
    }

    @Test
    void aKilledManagersLeafIsRemovedWhenEmptyAndTakenOverWhenItHoldsTheNextManager() throws Exception {
        Path own = group(fs);
        Files.writeString(own.resolve("cgroup.controllers"), "cpu memory");
        Files.writeString(own.resolve("cgroup.subtree_control"), "cpu memory");
        Path empty = group(fs.resolve("dyno-2147483646-manager")); // above any pid_max: gone
        Files.delete(empty.resolve("cgroup.procs")); // cgroupfs removes a cgroup with no process, files and all
        Path held = group(fs.resolve("dyno-2147483647-manager"));
        Files.writeString(held.resolve("cgroup.procs"), "1\n88\n");
        Kernel kernel = new Kernel(fs);

        // the next manager was started from a shell the killed one had moved into its leaf
        CgroupHierarchy h = CgroupHierarchy.detect(List.of("30 23 0:26 / " + fs + " rw - cgroup2 cgroup2 rw"),
                List.of("0::/dyno-2147483647-manager"), 88, new CgroupDelegation(kernel, true)).orElseThrow();

        assertThat(h.enforces()).isTrue();
        assertThat(h.describe()).isEqualTo("cgroup v2 under " + fs + " (cpu, memory; the manager's processes in"
                + " dyno-2147483647-manager)");
        assertThat(h.removeStale()).isEqualTo(1);
        assertThat(empty).doesNotExist();
        assertThat(held).isDirectory();
        assertThat(h.create("web.1", new CgroupLimits(1, 1L << 29, null)).orElseThrow().dir().getParent()).isEqualTo(fs);
    }

    @Test
    void limitsSayWhatWasExpected() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CgroupLimits(-1, 0, null))
                .hasMessage("cpuCores: -1.0 (expected: >= 0, 0 for no limit)");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CgroupLimits(1, 0, "a-b"))
                .hasMessage("cpus: \"a-b\" (expected: a cpuset list such as 0-1 or 0,2)");
        assertThat(new CgroupLimits(0.001, 0, null).quotaMicros()).isEqualTo(1000);
        assertThat(new CgroupLimits(2, 0, null).quotaMicros()).isEqualTo(200_000);
    }

    /** A directory that looks like a cgroup: it has a {@code cgroup.procs}. */
    private static Path group(Path dir) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("cgroup.procs"), "");
        return dir;
    }

    private static void deleteGroup(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }
        Files.delete(dir);
    }

    /**
     * The kernel's side of the writes that move processes: a pid written to a {@code cgroup.procs}
     * leaves every other one under {@code root}, and {@code +controller} in a
     * {@code cgroup.subtree_control} fails with EBUSY while that cgroup holds processes (cgroup v2's
     * "no internal processes"), as it does for any cgroup but the root of a real hierarchy.
     */
    private static final class Kernel implements CgroupDelegation.Cgroupfs {
        private final Path root;

        Kernel(Path root) {
            this.root = root;
        }

        @Override
        public void write(Path file, String value) throws IOException {
            Path dir = file.getParent();
            switch (file.getFileName().toString()) {
                case "cgroup.subtree_control" -> {
                    if (value.contains("+") && !Files.readString(dir.resolve("cgroup.procs")).isBlank()) {
                        throw new FileSystemException(file.toString(), null, "Device or resource busy");
                    }
                    Files.writeString(file, value);
                }
                case "cgroup.procs" -> {
                    try (Stream<Path> all = Files.walk(root)) {
                        for (Path procs : all.filter(p -> p.getFileName().toString().equals("cgroup.procs")).toList()) {
                            List<String> kept = Files.readAllLines(procs).stream().filter(l -> !l.equals(value.trim())).toList();
                            Files.writeString(procs, kept.stream().map(l -> l + "\n").reduce("", String::concat));
                        }
                    }
                    if (!Files.isRegularFile(file)) {
                        Files.writeString(file, "");
                    }
                    Files.writeString(file, Files.readString(file) + value.trim() + "\n");
                }
                default -> Files.writeString(file, value);
            }
        }

        @Override
        public void remove(Path dir) throws IOException {
            if (!Files.readString(dir.resolve("cgroup.procs")).isBlank()) {
                throw new FileSystemException(dir.toString(), null, "Device or resource busy");
            }
            deleteGroup(dir);
        }
    }
}
