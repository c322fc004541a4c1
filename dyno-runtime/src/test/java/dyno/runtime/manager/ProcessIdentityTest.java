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
import dyno.runtime.process.Cgroup;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
        AtomicLong firstPid = new AtomicLong();
        // On the manager thread, at two moments: once the dyno is up (its leader already exited and
        // reaped, before the manager handled the exit), and once the manager logged the exit. At each,
        // a stranger in a session of its own tries to take the dyno's pid (so also its session and
        // group id) as soon as no process carries it any more.
        DynoListener listener = new DynoListener() {
            @Override
            public void stateChanged(DynoInfo dyno, DynoState from) {
                recorder.stateChanged(dyno, from);
                if (dyno.state() == DynoState.UP && firstPid.compareAndSet(0, dyno.pid())) {
                    await().atMost(WAIT).until(() -> !Files.exists(Path.of("/proc", Long.toString(dyno.pid()))));
                    takePid(dyno.pid(), Duration.ofSeconds(2));
                }
            }

            @Override
            public void log(LogLine line) {
                recorder.log(line);
                if (line.source().equals(LogLine.DYNO) && line.message().startsWith("Process exited") && stranger.get() == null && firstPid.get() != 0) {
                    takePid(firstPid.get(), WAIT);
                }
            }

            private void takePid(long pid, Duration within) {
                try {
                    await().atMost(within).until(() -> !Procs.sessionExists(pid));
                    Procs.startAtPid(pid, "exec sleep 1000", 200).ifPresent(stranger::set);
                } catch (org.awaitility.core.ConditionTimeoutException stillCarried) {
                    // a process of the dyno still carries the pid: nobody can get it yet
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
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

    @Test
    @Timeout(60)
    void aChildLeftByALeaderThatExitedAtOnceIsStillKnownAndEnded() throws Exception {
        // the leader is gone long before the first scan of /proc could have seen its child
        Files.writeString(dir.resolve("Procfile"), "worker: sleep 1000 & echo child $!; exit 3\n");
        Recorder recorder = new Recorder();
        try (DynoManager m = new DynoManager(App.load(dir, null, null), SETTINGS, recorder)) {
            m.start(Formation.of(List.of(new FormationEntry("worker", 1, DynoSize.STANDARD_1X))));
            await().atMost(WAIT).until(() -> recorder.count("worker.1", "Process exited with status 3") == 2);
            await().atMost(WAIT).until(() -> recorder.output("worker.1").size() == 2);
            for (String line : recorder.output("worker.1")) {
                long child = Long.parseLong(line.replace("child ", ""));
                await().atMost(WAIT).until(() -> !Procs.alive(child));
            }
        }
    }

    @Test
    @Timeout(60)
    void aProcessThatLeftTheSessionAndLostItsParentIsEndedThroughTheDynosCgroup() throws Exception {
        assumeTrue(Cgroup.available(), "needs a writable cgroup v2 hierarchy (root)");
        // a double fork into a session of its own: neither the session nor the parent links it to the dyno
        Files.writeString(dir.resolve("Procfile"),
                "worker: (setsid sh -c 'echo escaped $$; exec sleep 1000' &); exec sleep 1000\n");
        Recorder recorder = new Recorder();
        try (DynoManager m = new DynoManager(App.load(dir, null, null), SETTINGS, recorder)) {
            m.start(Formation.of(List.of(new FormationEntry("worker", 1, DynoSize.STANDARD_1X))));
            await().atMost(WAIT).until(() -> recorder.output("worker.1").size() == 1);
            long escaped = Long.parseLong(recorder.output("worker.1").get(0).replace("escaped ", ""));
            assertThat(Procs.alive(escaped)).isTrue();

            m.scale(List.of("worker=0")).join();

            await().atMost(WAIT).until(() -> m.dynos().isEmpty());
            await().atMost(WAIT).until(() -> !Procs.alive(escaped));
        }
        try (var cgroups = Files.list(cgroupBase())) {
            assertThat(cgroups.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("dyno-" + ProcessHandle.current().pid() + "-"));
        }
    }

    private static Path cgroupBase() throws Exception {
        Cgroup probe = Cgroup.create("probe").orElseThrow();
        assertThat(probe.remove()).isTrue(); // every hierarchy's directory, not only the grouping one
        return probe.dir().getParent();
    }
}
