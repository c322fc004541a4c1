package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.runtime.fixtures.Fixtures;
import dyno.runtime.fixtures.Hog;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Limits enforced by this machine's kernel: real cgroups, real processes; skipped where cgroups cannot limit. */
class CgroupEnforcementTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Process> started = new ArrayList<>();
    private final List<Cgroup> made = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (Cgroup c : made) {
            c.kill();
            await().atMost(WAIT).until(c::remove);
        }
    }

    @Test
    @Timeout(60)
    void aBusyLoopIsThrottledToItsQuotaAndItsCpuTimeIsAccounted() throws Exception {
        CgroupHierarchy host = enforcingHost();
        Cgroup c = make(host.create("cpu.1", new CgroupLimits(0.1, 256L << 20, null)).orElseThrow());

        Process loop = start(c, "while :; do :; done");

        // throttled: the kernel counts periods in which the loop used up its 10 ms and had to wait
        await().atMost(WAIT).until(() -> throttledPeriods(c) > 0);
        await().atMost(WAIT).until(() -> c.cpuNanos().orElse(0) > 0);
        assertThat(c.pids()).contains(loop.pid());
    }

    @Test
    @Timeout(90)
    void theKernelKillsAProcessOverTheMemoryLimitAndCountsTheOomKill() throws Exception {
        CgroupHierarchy host = enforcingHost();
        Cgroup c = make(host.create("hog.1", new CgroupLimits(0, 96L << 20, null)).orElseThrow());

        Process hog = start(c, "exec " + Fixtures.java(Hog.class, "400"));

        assertThat(hog.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        assertThat(hog.exitValue()).isEqualTo(137);
        await().atMost(WAIT).until(() -> c.oomKills() >= 1);
    }

    @Test
    @Timeout(60)
    void aKilledManagersRecordEndsTheDynoAndRemovesItsCgroupInEveryHierarchy() throws Exception {
        CgroupHierarchy host = enforcingHost();
        Cgroup c = make(host.create("worker.1", new CgroupLimits(0.25, 256L << 20, null)).orElseThrow());
        assertThat(c.dirs()).hasSizeGreaterThan(0);
        Process leftover = start(c, "sleep 1000 & sleep 1000 & wait");
        await().atMost(WAIT).until(() -> c.pids().size() == 3);
        ProcessTree tree = new ProcessTree(ProcessId.of(leftover.pid()).orElseThrow());
        tree.cgroup(c);
        new PidRegistry(dir).record("worker.1", tree);

        // the next manager, from the record alone
        assertThat(new PidRegistry(dir).killLeftovers()).containsExactly("worker.1");

        assertThat(leftover.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
        for (Path d : c.dirs()) {
            assertThat(d).doesNotExist();
        }
    }

    @Test
    @Timeout(60)
    void emptyCgroupsOfAManagerThatIsGoneAreRemovedAndOthersLeftAlone() throws Exception {
        CgroupHierarchy host = enforcingHost();
        Cgroup mine = make(host.create("web.1", CgroupLimits.NONE).orElseThrow());
        Path base = mine.dir().getParent();
        Cgroup stale = make(Cgroup.at(Files.createDirectory(base.resolve("dyno-2147483647-web.1-1")))); // no such pid

        assertThat(host.removeStale()).isGreaterThanOrEqualTo(1);

        assertThat(stale.dir()).doesNotExist();
        assertThat(mine.dir()).isDirectory();
    }

    private static CgroupHierarchy enforcingHost() {
        CgroupHierarchy host = CgroupHierarchy.host().orElse(null);
        assumeTrue(host != null && host.enforces(),
                "needs writable cgroups with cpu and memory controllers (root; v1, or v2 with controllers delegated)");
        return host;
    }

    private Cgroup make(Cgroup c) {
        made.add(c);
        return c;
    }

    /** Starts {@code script} in {@code c}: moved in before it runs anything. */
    private Process start(Cgroup c, String script) throws Exception {
        Process p = new ProcessBuilder("sh", "-c", "read go; " + script).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        started.add(p);
        assertThat(c.add(p.pid())).isTrue();
        try (OutputStream go = p.getOutputStream()) {
            go.write('\n');
        }
        return p;
    }

    private static long throttledPeriods(Cgroup c) {
        for (Path d : c.dirs()) {
            try {
                for (String line : Files.readAllLines(d.resolve("cpu.stat"))) {
                    if (line.startsWith("nr_throttled ")) {
                        return Long.parseLong(line.substring(13).trim());
                    }
                }
            } catch (java.io.IOException none) {
                // another controller's directory
            }
        }
        return 0;
    }
}
