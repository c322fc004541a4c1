package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The v2 and v1 layouts against a temp directory laid out like {@code /sys/fs/cgroup}. */
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
        assertThat(h.describe()).isEqualTo("cgroup v2 under " + own + " (cpu, cpuset, memory)");

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
}
