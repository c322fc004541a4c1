package dyno.runtime.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.manager.DynoState;
import dyno.runtime.manager.ManagerSettings;
import dyno.runtime.manager.OneOff;
import dyno.runtime.process.Backoff;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The release phase, config changes and one-offs, on a real manager running real processes. */
@Timeout(120)
class DeployerTest {
    private static final ManagerSettings FAST = ManagerSettings.defaults()
            .withBootTimeout(Duration.ofSeconds(20))
            .withStopTimeout(Duration.ofSeconds(2))
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** A worker that says which config it got, then stays up. */
    private static final String WORKER = "worker: sh -c 'echo \"worker GREETING=$GREETING RELEASE_SEEN\"; exec sleep 600'\n";

    @TempDir
    Path dir;

    private final List<LogLine> lines = new CopyOnWriteArrayList<>();
    private final Map<String, String> envFile = new ConcurrentHashMap<>(Map.of("GREETING", "hi"));
    private final List<AutoCloseable> closing = new ArrayList<>();
    private DynoManager manager;
    private Deployer deployer;

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private void start(String procfile) throws IOException {
        Files.writeString(dir.resolve("Procfile"), procfile);
        App app = App.load(dir, "demo", null);
        manager = new DynoManager(app, FAST, new DynoListener() {
            @Override
            public void log(LogLine line) {
                lines.add(line);
            }
        }, Clock.systemUTC());
        closing.add(manager);
        Releases releases = Releases.open(app.stateDir().resolve("releases.json"), envFile, Clock.systemUTC());
        deployer = new Deployer(releases, manager, () -> Map.copyOf(envFile));
        closing.add(0, deployer);
    }

    private List<String> output(String dynoPrefix) {
        return lines.stream().filter(l -> l.source().equals(LogLine.APP) && l.dyno().startsWith(dynoPrefix))
                .map(LogLine::message).toList();
    }

    private DynoInfo dyno(String name) {
        return manager.dynos().stream().filter(d -> d.name().equals(name)).findFirst().orElseThrow();
    }

    private static Formation workers(int n) {
        return Formation.of(List.of(new FormationEntry("worker", n, DynoSize.STANDARD_1X)));
    }

    @Test
    void theReleasePhaseRunsOnceBeforeTheDynosAndEachConfigChangeRestartsThemOntoANewRelease() throws Exception {
        start("release: sh -c 'echo \"release GREETING=$GREETING DYNO=$DYNO\"'\n" + WORKER);

        Release v1 = deployer.prepare();
        assertThat(v1.version()).isEqualTo(1);
        assertThat(output("release.")).containsExactly("release GREETING=hi DYNO=release.1");
        manager.start(workers(1));
        await().atMost(WAIT).until(() -> output("worker.1").contains("worker GREETING=hi RELEASE_SEEN"));
        assertThat(manager.formation().entry("release")).as("release is not a formation type").isEmpty();
        assertThat(dyno("worker.1").release()).isEqualTo(1);
        long firstPid = dyno("worker.1").pid();

        Deployment d = deployer.change("Set GREETING", Map.of("GREETING", "bye"));
        assertThat(d.release().version()).isEqualTo(2);
        assertThat(d.release().status()).isEqualTo(Release.Status.PENDING);
        Release v2 = d.deployed().get(60, TimeUnit.SECONDS);

        assertThat(v2.status()).isEqualTo(Release.Status.SUCCEEDED);
        assertThat(output("release.")).containsExactly("release GREETING=hi DYNO=release.1",
                "release GREETING=bye DYNO=release.2");
        await().atMost(WAIT).until(() -> output("worker.1").contains("worker GREETING=bye RELEASE_SEEN"));
        assertThat(dyno("worker.1").release()).isEqualTo(2);
        assertThat(dyno("worker.1").pid()).isNotEqualTo(firstPid);
        assertThat(manager.dynos()).extracting(DynoInfo::name).containsExactly("worker.1");
    }

    @Test
    void aFailedReleasePhaseLeavesTheDynosOnTheReleaseBefore() throws Exception {
        start("release: sh -c 'echo checking; test \"$GREETING\" != bad'\n" + WORKER);
        deployer.prepare();
        manager.start(workers(1));
        await().atMost(WAIT).until(() -> dyno("worker.1").state() == DynoState.UP);
        long pid = dyno("worker.1").pid();

        Deployment d = deployer.change("Set GREETING", Map.of("GREETING", "bad"));

        assertThatThrownBy(() -> d.deployed().get(60, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(ReleaseFailedException.class)
                .hasMessageContaining("release v2 failed").hasMessageContaining("exited with status 1")
                .hasMessageContaining("stay on v1");
        assertThat(deployer.releases().latest().status()).isEqualTo(Release.Status.FAILED);
        assertThat(deployer.releases().current().version()).isEqualTo(1);
        assertThat(dyno("worker.1").pid()).isEqualTo(pid);
        assertThat(dyno("worker.1").release()).isEqualTo(1);
    }

    @Test
    void aFailedReleasePhaseAtStartStartsNothing() throws Exception {
        start("release: sh -c 'echo migrating; exit 3'\n" + WORKER);

        assertThatThrownBy(() -> deployer.prepare()).isInstanceOf(ReleaseFailedException.class)
                .hasMessageContaining("exited with status 3");
        assertThat(output("release.")).containsExactly("migrating");
        assertThat(manager.dynos()).isEmpty();
    }

    @Test
    void restartPicksUpEditsToTheEnvFileAsANewRelease() throws Exception {
        start(WORKER);
        deployer.prepare();
        manager.start(workers(1));
        await().atMost(WAIT).until(() -> output("worker.1").contains("worker GREETING=hi RELEASE_SEEN"));

        deployer.restart(null).get(60, TimeUnit.SECONDS); // nothing edited: a plain restart, no release
        assertThat(deployer.releases().list()).hasSize(1);

        envFile.put("GREETING", "edited");
        deployer.restart("worker").get(60, TimeUnit.SECONDS);

        assertThat(deployer.releases().latest().version()).isEqualTo(2);
        assertThat(deployer.releases().latest().description()).isEqualTo(".env edited: set GREETING");
        await().atMost(WAIT).until(() -> output("worker.1").contains("worker GREETING=edited RELEASE_SEEN"));
        assertThat(dyno("worker.1").release()).isEqualTo(2);
    }

    @Test
    void aChangedProcfileIsADeployThatMakesAReleaseAtTheNextStart() throws Exception {
        start(WORKER);
        assertThat(deployer.prepare().version()).isEqualTo(1);
        manager.close();
        start(WORKER); // the same Procfile: no release
        assertThat(deployer.prepare().version()).isEqualTo(1);
        manager.close();

        envFile.put("EXTRA", "1");
        start("release: echo deployed\n" + WORKER);
        Release deployed = deployer.prepare();

        assertThat(deployed.version()).isEqualTo(2);
        assertThat(deployed.description()).isEqualTo("Deploy: Procfile changed; .env edited: set EXTRA");
        assertThat(output("release.")).containsExactly("deployed");
        manager.close();
        start("release: echo deployed\n" + WORKER);
        assertThat(deployer.prepare().version()).isEqualTo(2);
    }

    @Test
    void aOneOffIsListedWhileItRunsPassesItsStatusAndIsNotRestarted() throws Exception {
        start(WORKER);
        deployer.prepare();
        manager.start(workers(0));

        OneOff run = manager.runOnce("run", "echo \"one-off DYNO=$DYNO PORT_SET=${PORT:+yes}\"; sleep 1; exit 7",
                Map.of(), 1).get(10, TimeUnit.SECONDS);

        assertThat(run.name()).isEqualTo("run.1");
        assertThat(manager.dynos()).anySatisfy(d -> {
            assertThat(d.name()).isEqualTo("run.1");
            assertThat(d.oneOff()).isTrue();
            assertThat(d.isWeb()).isFalse();
        });
        assertThat(run.exit().get(30, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(output("run.1")).containsExactly("one-off DYNO=run.1 PORT_SET=yes");
        await().atMost(WAIT).until(() -> manager.dynos().isEmpty());
        Thread.sleep(500);
        assertThat(manager.dynos()).as("a one-off is never restarted").isEmpty();
    }

    @Test
    void anAttachedOneOffIsProvenByItsEnvironmentListedAndEndedWhenTheManagerCloses() throws Exception {
        start(WORKER);
        deployer.prepare();
        manager.start(workers(0));
        String name = manager.reserveOneOff("run").get(10, TimeUnit.SECONDS);

        Process stranger = new ProcessBuilder("sleep", "600").start();
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", "sleep 600 & wait");
        pb.environment().put("DYNO", name);
        Process mine = pb.start();
        try {
            assertThatThrownBy(() -> manager.attachOneOff(name, "sleep 600", stranger.pid()).join())
                    .hasMessageContaining("not the one-off " + name);
            assertThatThrownBy(() -> manager.attachOneOff("run.99", "sleep 600", mine.pid()).join())
                    .hasMessageContaining("not a reserved one-off name");

            DynoInfo info = manager.attachOneOff(name, "sleep 600", mine.pid()).get(10, TimeUnit.SECONDS);
            assertThat(info.name()).isEqualTo(name);
            assertThat(info.state()).isEqualTo(DynoState.UP);
            assertThat(manager.dynos()).extracting(DynoInfo::name).containsExactly(name);
            await().atMost(WAIT).until(() -> mine.descendants().findAny().isPresent());
            List<ProcessHandle> children = mine.descendants().toList();
            Thread.sleep(1_500); // a scan of /proc proves the child ours

            manager.close();

            assertThat(mine.waitFor(30, TimeUnit.SECONDS)).isTrue();
            await().atMost(WAIT).until(() -> children.stream().noneMatch(ProcessHandle::isAlive));
            assertThat(stranger.isAlive()).as("a process it was not given is never signalled").isTrue();
        } finally {
            stranger.destroyForcibly();
            mine.destroyForcibly();
        }
    }
}
