package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.runtime.fixtures.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class PidRegistryTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(20)
    void killsTheRecordedTreeOfAKilledManager() throws Exception {
        Process leftover = Procs.startInOwnGroup("sleep 1000 & sleep 1000 & wait");
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(leftover.pid()).size() >= 3);
            Set<Long> group = Procs.liveGroup(leftover.pid());
            PidRegistry pids = new PidRegistry(dir.resolve("pids"));
            pids.record("worker.1", new ProcessTree(ProcessId.of(leftover.pid()).orElseThrow()));
            assertThat(dir.resolve("pids/worker.1.pid")).exists();

            assertThat(new PidRegistry(dir.resolve("pids")).killLeftovers()).containsExactly("worker.1");

            assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> group.stream().noneMatch(Procs::alive));
            assertThat(dir.resolve("pids/worker.1.pid")).doesNotExist();
        } finally {
            leftover.destroyForcibly();
        }
    }

    @Test
    @Timeout(20)
    void killsChildrenLeftByALeaderThatExitedWhenTheRecordKnewThem() throws Exception {
        Process leader = Procs.startInOwnGroup("sleep 1000 & sleep 1000 & read -r x");
        ProcessTree tree = new ProcessTree(ProcessId.of(leader.pid()).orElseThrow());
        await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(leader.pid()).size() >= 3);
        Set<Long> group = Procs.liveGroup(leader.pid());
        tree.refresh(ProcessTable.read());
        PidRegistry pids = new PidRegistry(dir.resolve("pids"));
        pids.record("worker.1", tree);
        try {
            leader.getOutputStream().close();
            assertThat(leader.waitFor(5, TimeUnit.SECONDS)).isTrue();

            assertThat(pids.killLeftovers()).containsExactly("worker.1");

            await().atMost(Duration.ofSeconds(5)).until(() -> group.stream().noneMatch(Procs::alive));
        } finally {
            group.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    @Timeout(60)
    void sparesAStrangerThatGotThePidOfARecordedProcessThatExitedAtOnce() throws Exception {
        assumeTrue(Procs.canChoosePids(), "needs a writable /proc/sys/kernel/ns_last_pid (root)");
        Process quick = Procs.startInOwnGroup("read -r x; exit 0");
        ProcessId id = ProcessId.of(quick.pid()).orElseThrow();
        new PidRegistry(dir.resolve("pids")).record("web.1", new ProcessTree(id));
        quick.getOutputStream().close();
        assertThat(quick.waitFor(5, TimeUnit.SECONDS)).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> !Files.exists(Path.of("/proc", Long.toString(id.pid()))));
        Process stranger = Procs.startAtPid(id.pid(), "sleep 1000 & exec sleep 1000", 200).orElseThrow();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(stranger.pid()).size() == 2);

            assertThat(new PidRegistry(dir.resolve("pids")).killLeftovers()).isEmpty();

            assertThat(stranger.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(Procs.liveGroup(stranger.pid())).hasSize(2);
            assertThat(dir.resolve("pids/web.1.pid")).doesNotExist();
        } finally {
            Procs.liveGroup(stranger.pid()).forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
            stranger.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(20)
    void endsEveryProcessOfARecordedCgroupAndRemovesIt() throws Exception {
        assumeTrue(Cgroup.available(), "needs a writable cgroup v2 hierarchy (root)");
        Cgroup cgroup = Cgroup.create("worker.1").orElseThrow();
        Process leader = Procs.startInOwnGroup("read -r x; sleep 1000 & exec sleep 1000");
        try {
            assertThat(cgroup.add(leader.pid())).isTrue();
            leader.getOutputStream().close(); // forks only now, inside the cgroup
            await().atMost(Duration.ofSeconds(5)).until(() -> cgroup.pids().size() == 2);
            // a record that knows no process by identity, only the cgroup
            ProcessTree tree = new ProcessTree(leader.pid(), List.of());
            tree.cgroup(cgroup);
            new PidRegistry(dir.resolve("pids")).record("worker.1", tree);

            assertThat(new PidRegistry(dir.resolve("pids")).killLeftovers()).containsExactly("worker.1");

            assertThat(leader.waitFor(5, TimeUnit.SECONDS)).isTrue();
            assertThat(cgroup.dir()).doesNotExist();
        } finally {
            leader.destroyForcibly();
            cgroup.kill();
            cgroup.remove();
        }
    }

    @Test
    void forgetsAndIgnoresGoneOrUnreadableRecords() throws Exception {
        Process done = Procs.startInOwnGroup("read -r x");
        ProcessTree tree = new ProcessTree(ProcessId.of(done.pid()).orElseThrow());
        done.getOutputStream().close();
        done.waitFor();
        PidRegistry pids = new PidRegistry(dir.resolve("pids"));
        pids.record("worker.1", tree);
        Files.writeString(dir.resolve("pids/worker.2.pid"), "garbage");
        // the format of earlier versions, pgid and start time (-1 when unknown), is never trusted
        Files.writeString(dir.resolve("pids/worker.4.pid"), ProcessHandle.current().pid() + " -1\n");
        pids.record("worker.3", tree);
        pids.forget("worker.3");

        assertThat(pids.killLeftovers()).isEmpty();
        try (var files = Files.list(dir.resolve("pids"))) {
            assertThat(files).isEmpty();
        }
        assertThat(new PidRegistry(dir.resolve("absent")).killLeftovers()).isEmpty();
        assertThat(List.of(tree.sid())).containsExactly(done.pid());
    }
}
