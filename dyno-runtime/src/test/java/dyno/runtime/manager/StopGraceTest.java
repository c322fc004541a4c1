package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.app.App;
import dyno.runtime.fixtures.BindPort;
import dyno.runtime.fixtures.Fixtures;
import dyno.runtime.fixtures.Procs;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** On shutdown every dyno gets its drain and then its full SIGTERM grace; SIGKILL only past it, always with R12. */
class StopGraceTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final Recorder recorder = new Recorder();

    private DynoManager startWeb(String trap, Duration stopTimeout, Duration drain) throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: trap '" + trap + "' TERM; "
                + Fixtures.java(BindPort.class) + " & wait\n");
        // the router's drain: the manager waits for it, at most the stop timeout, before SIGTERM
        recorder.beforeStop = d -> CompletableFuture.runAsync(() -> { },
                CompletableFuture.delayedExecutor(drain.toMillis(), TimeUnit.MILLISECONDS));
        DynoManager m = new DynoManager(App.load(dir, null, null),
                ManagerSettings.defaults().withStopTimeout(stopTimeout), recorder);
        m.start(Formation.of(List.of(new FormationEntry("web", 1, DynoSize.STANDARD_1X))));
        await().atMost(WAIT).until(() -> m.dynos().stream().anyMatch(d -> d.state() == DynoState.UP));
        return m;
    }

    @Test
    @Timeout(90)
    void closeGivesAWebDynoItsDrainAndThenItsWholeStopTimeout() throws Exception {
        // drain 10 s, then SIGTERM; the dyno needs 6 of its 10 s of grace to finish
        DynoManager m = startWeb("sleep 6; echo graceful > graceful; exit 0", Duration.ofSeconds(10),
                Duration.ofSeconds(10));
        long pid = m.dynos().get(0).pid();

        m.close();

        assertThat(dir.resolve("graceful")).hasContent("graceful");
        assertThat(recorder.events("web.1")).containsSubsequence(
                "Stopping all processes with SIGTERM",
                "Process exited with status 0",
                "State changed from up to down");
        assertThat(recorder.events("web.1")).noneMatch(e -> e.startsWith("Error R12") || e.contains("SIGKILL"));
        assertThat(Procs.liveGroup(pid)).isEmpty();
    }

    @Test
    @Timeout(90)
    void closeKillsADynoThatOutlivesItsGraceAndSaysR12() throws Exception {
        DynoManager m = startWeb("", Duration.ofSeconds(2), Duration.ofSeconds(2));
        long pid = m.dynos().get(0).pid();
        await().atMost(WAIT).until(() -> Procs.liveGroup(pid).size() >= 2);
        Set<Long> group = Procs.liveGroup(pid);

        m.close();

        assertThat(recorder.events("web.1")).containsSubsequence(
                "Stopping all processes with SIGTERM",
                "Error R12 (Exit timeout) -> At least one process failed to exit within 2 seconds of SIGTERM",
                "Stopping remaining processes with SIGKILL",
                "Process exited with status 137",
                "State changed from up to down");
        assertThat(group).noneMatch(Procs::alive);
    }

    @Test
    @Timeout(90)
    void aDrainThatNeverEndsStillLeadsToSigtermAfterTheStopTimeout() throws Exception {
        DynoManager m = startWeb("exit 0", Duration.ofSeconds(1), Duration.ofDays(1));

        m.scale(List.of("web=0")).join();

        await().atMost(WAIT).until(() -> m.dynos().isEmpty());
        assertThat(recorder.events("web.1")).containsSubsequence(
                "Stopping all processes with SIGTERM",
                "Process exited with status 0");
        m.close();
    }
}
