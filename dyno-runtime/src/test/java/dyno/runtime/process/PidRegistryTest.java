package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.fixtures.Procs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    void killsTheRecordedGroupOfAKilledManager() throws Exception {
        Process leftover = Procs.startInOwnGroup("sleep 1000 & sleep 1000 & wait");
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(leftover.pid()).size() >= 3);
            Set<Long> group = Procs.liveGroup(leftover.pid());
            PidRegistry pids = new PidRegistry(dir.resolve("pids"));
            pids.record("worker.1", leftover.pid());
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
    void sparesAProcessThatReusedTheRecordedPid() throws Exception {
        Process stranger = Procs.startInOwnGroup("exec sleep 1000");
        try {
            long start = ProcessTree.startTime(stranger.pid()).orElseThrow();
            Files.createDirectories(dir.resolve("pids"));
            Files.writeString(dir.resolve("pids/web.1.pid"), stranger.pid() + " " + (start - 1) + "\n");

            assertThat(new PidRegistry(dir.resolve("pids")).killLeftovers()).isEmpty();

            assertThat(stranger.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(Procs.alive(stranger.pid())).isTrue();
            assertThat(dir.resolve("pids/web.1.pid")).doesNotExist();
        } finally {
            stranger.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void forgetsAndIgnoresGoneOrUnreadableRecords() throws Exception {
        Process done = new ProcessBuilder("true").start();
        done.waitFor();
        PidRegistry pids = new PidRegistry(dir.resolve("pids"));
        pids.record("worker.1", done.pid());
        Files.writeString(dir.resolve("pids/worker.2.pid"), "garbage");
        pids.record("worker.3", done.pid());
        pids.forget("worker.3");

        assertThat(pids.killLeftovers()).isEmpty();
        try (var files = Files.list(dir.resolve("pids"))) {
            assertThat(files).isEmpty();
        }
        assertThat(new PidRegistry(dir.resolve("absent")).killLeftovers()).isEmpty();
    }
}
