package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.runtime.app.App;
import dyno.runtime.fixtures.Procs;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.log.LogLine;
import dyno.runtime.process.Backoff;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A dyno's processes are known by pid, start time and boot, never by a pid that may have been recycled. */
class ProcessIdentityTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final ManagerSettings SETTINGS = ManagerSettings.defaults()
            .withStopTimeout(Duration.ofSeconds(1))
            .withBackoff(new Backoff(Duration.ofSeconds(30), Duration.ofSeconds(30)));

    @TempDir
    Path dir;

    @Test
    @Timeout(90)
    void aStrangerHoldingTheRecycledPidGroupOfADynoThatExitedAtOnceIsNeverSignalled() throws Exception {
        assumeTrue(Procs.canChoosePids(), "needs a writable /proc/sys/kernel/ns_last_pid (root)");
        Files.writeString(dir.resolve("Procfile"), "worker: exit 0\n");
        Recorder recorder = new Recorder();
        AtomicReference<Process> stranger = new AtomicReference<>();
        // on the manager thread, before it handles the exit: the dyno's pid is reaped, and a
        // stranger in a session of its own takes that pid (so also its session and group id)
        DynoListener listener = new DynoListener() {
            @Override
            public void stateChanged(DynoInfo dyno, DynoState from) {
                recorder.stateChanged(dyno, from);
                if (dyno.state() == DynoState.UP && stranger.get() == null) {
                    long pid = dyno.pid();
                    await().atMost(WAIT).until(() -> !Files.exists(Path.of("/proc", Long.toString(pid))));
                    try {
                        stranger.set(Procs.startAtPid(pid, "exec sleep 1000"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
            }

            @Override
            public void log(LogLine line) {
                recorder.log(line);
            }

            @Override
            public CompletionStage<Void> beforeStop(DynoInfo dyno) {
                return recorder.beforeStop(dyno);
            }
        };
        try {
            try (DynoManager m = new DynoManager(App.load(dir, null, null), SETTINGS, listener)) {
                m.start(Formation.of(List.of(new FormationEntry("worker", 1, DynoSize.STANDARD_1X))));
                // the immediate restart ran and exited too: the first exit was handled long ago
                await().atMost(WAIT).until(() -> recorder.count("worker.1", "Process exited with status 0") == 2);
                assertThat(stranger.get()).isNotNull();
                assertThat(stranger.get().waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
            }
            // nor by a shutdown, nor by the leftovers cleanup of the next start
            try (DynoManager next = new DynoManager(App.load(dir, null, null), SETTINGS, new Recorder())) {
                next.start(Formation.of(List.of(new FormationEntry("worker", 0, DynoSize.STANDARD_1X))));
            }
            assertThat(stranger.get().waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
            assertThat(stranger.get().isAlive()).isTrue();
            assertThat(recorder.events("worker.1")).noneMatch(e -> e.contains("SIGKILL"));
        } finally {
            if (stranger.get() != null) {
                stranger.get().destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    @Timeout(60)
    void aStrangerListeningOnTheDynosPortDoesNotMakeTheDynoUp() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: sleep 1000\n");
        Recorder recorder = new Recorder();
        ManagerSettings settings = SETTINGS.withBootTimeout(Duration.ofSeconds(3));
        try (DynoManager m = new DynoManager(App.load(dir, null, null), settings, recorder)) {
            m.start(Formation.of(List.of(new FormationEntry("web", 1, DynoSize.STANDARD_1X))));
            int port = m.dynos().get(0).port();
            // the dyno never binds its port; another process of this machine does
            try (ServerSocket stranger = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                await().atMost(WAIT).until(() -> recorder.events("web.1").stream().anyMatch(e -> e.startsWith("Error R10")));
            }
            assertThat(recorder.events("web.1")).doesNotContain("State changed from starting to up");
        }
    }
}
