package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.runtime.app.App;
import dyno.runtime.fixtures.Fixtures;
import dyno.runtime.fixtures.Hog;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.process.Backoff;
import dyno.runtime.process.CgroupHierarchy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Sizes enforced by the kernel through the manager: limits per size, usage, R15 on an OOM kill, cleanup. */
class SizeEnforcementTest {
    private static final ManagerSettings FAST = ManagerSettings.defaults()
            .withBootTimeout(Duration.ofSeconds(5))
            .withStopTimeout(Duration.ofSeconds(2))
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)))
            .withMemory(Duration.ofMillis(200), 0);
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Recorder recorder = new Recorder();

    @Test
    @Timeout(90)
    void eachDynoGetsItsSizesLimitsReportsItsUseAndLeavesNoCgroupBehind() throws Exception {
        assumeEnforced();
        Files.writeString(dir.resolve("Procfile"), "busy: while :; do :; done\nidle: sleep 1000\nperf: sleep 1000\n");
        List<Path> dirs;
        try (DynoManager m = new DynoManager(App.load(dir, null, null), FAST.withCpuPer1x(0.1), recorder)) {
            m.start(Formation.of(List.of(new FormationEntry("busy", 1, DynoSize.STANDARD_2X),
                    new FormationEntry("idle", 1, DynoSize.STANDARD_1X),
                    new FormationEntry("perf", 1, DynoSize.PERFORMANCE_M))));
            assertThat(recorder.events(DynoManager.MANAGER)).singleElement().asString()
                    .startsWith("Sizes enforced by ").contains("Standard-1X 0.1 cores, Standard-2X 0.2 cores");

            await().atMost(WAIT).until(() -> m.usage().containsKey("busy.1") && m.usage().get("busy.1").cpuCores() > 0
                    && m.usage().containsKey("idle.1"));
            ResourceUsage busy = m.usage().get("busy.1");
            assertThat(busy.enforced()).isTrue();
            assertThat(busy.cpuLimitCores()).isEqualTo(0.2);
            assertThat(busy.quotaBytes()).isEqualTo(1024L << 20);
            // no bound on how busy the machine is, only that the quota holds (with slack for accounting)
            assertThat(busy.cpuCores()).isLessThanOrEqualTo(0.2 * 2); // a short sample may span a third period
            assertThat(m.usage().get("idle.1").cpuLimitCores()).isEqualTo(0.1);
            await().atMost(WAIT).until(() -> m.usage().containsKey("perf.1"));
            int cores = Runtime.getRuntime().availableProcessors();
            assertThat(m.usage().get("perf.1").cpuLimitCores()).isEqualTo(Math.min(2, cores));
            if (CgroupHierarchy.host().orElseThrow().pins()) {
                // pinned to its own cores (as many as the machine has, up to 2)
                String cpus = cores >= 2 ? "0-1" : "0"; // the kernel shows 0,1 as a range
                assertThat(cgroupDirs("perf.1")).anySatisfy(d -> assertThat(d.resolve("cpuset.cpus")).hasContent(cpus));
            }

            dirs = cgroupDirs("busy.1");
            assertThat(dirs).isNotEmpty().allMatch(Files::isDirectory);
            Path quota = dirs.stream().map(d -> d.resolve("cpu.cfs_quota_us")).filter(Files::exists).findFirst()
                    .orElse(null);
            if (quota != null) { // v1; on v2 cpu.max
                assertThat(Files.readString(quota).trim()).isEqualTo("20000");
            }
        }
        assertThat(dirs).allMatch(d -> !Files.exists(d));
    }

    @Test
    @Timeout(90)
    void aKernelOomKillIsReportedAsR15AndTheDynoRestarts() throws Exception {
        assumeEnforced();
        // quota 48 MB: the kernel stops the hog at 96 MB, long before the 400 MB it wants
        String hog = Fixtures.java(Hog.class, "400");
        Files.writeString(dir.resolve("Procfile"), "hog: " + hog + "\n");
        try (DynoManager m = new DynoManager(App.load(dir, null, null), FAST.withMemory(Duration.ofSeconds(1), 48L << 20),
                recorder)) {
            m.start(Formation.of(List.of(new FormationEntry("hog", 1, DynoSize.STANDARD_1X))));

            await().atMost(WAIT).until(() -> recorder.events("hog.1").stream()
                    .filter(e -> e.startsWith("Starting process")).count() >= 2);
            assertThat(recorder.events("hog.1")).containsSubsequence(
                    "Error R15 (Memory quota vastly exceeded)",
                    "Stopping process with SIGKILL",
                    "Process exited with status 137",
                    "State changed from up to crashed");
        }
    }

    private static void assumeEnforced() {
        assumeTrue(CgroupHierarchy.host().map(CgroupHierarchy::enforces).orElse(false),
                "needs writable cgroups with cpu and memory controllers (root; v1, or v2 with controllers delegated)");
    }

    /** The cgroup directories recorded for {@code dyno} in its pid file. */
    private List<Path> cgroupDirs(String dyno) throws Exception {
        return Files.readAllLines(dir.resolve(".dyno/pids/" + dyno + ".pid")).stream()
                .filter(l -> l.startsWith("cgroup ")).map(l -> Path.of(l.substring(7))).toList();
    }
}
