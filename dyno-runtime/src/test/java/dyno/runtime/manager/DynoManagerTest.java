package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dyno.runtime.app.App;
import dyno.runtime.fixtures.BindPort;
import dyno.runtime.fixtures.Fixtures;
import dyno.runtime.fixtures.Hog;
import dyno.runtime.fixtures.Procs;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.process.Backoff;
import dyno.runtime.process.PidRegistry;
import dyno.runtime.process.ProcessId;
import dyno.runtime.process.ProcessTree;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DynoManagerTest {
    private static final ManagerSettings FAST = ManagerSettings.defaults()
            .withBootTimeout(Duration.ofSeconds(2))
            .withStopTimeout(Duration.ofSeconds(1))
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1)));
    private static final Duration WAIT = Duration.ofSeconds(15);

    @TempDir
    Path dir;

    private final Recorder recorder = new Recorder();
    private final ShiftedClock clock = new ShiftedClock();
    private final List<DynoManager> managers = new ArrayList<>();

    @AfterEach
    void closeManagers() {
        managers.forEach(DynoManager::close);
    }

    private DynoManager manager(String procfile, ManagerSettings settings) throws IOException {
        Files.writeString(dir.resolve("Procfile"), procfile);
        DynoManager m = new DynoManager(App.load(dir, null, null), settings, recorder, clock);
        managers.add(m);
        return m;
    }

    private static Formation formation(FormationEntry... entries) {
        return Formation.of(List.of(entries));
    }

    private static FormationEntry entry(String type, int quantity) {
        return new FormationEntry(type, quantity, DynoSize.STANDARD_1X);
    }

    private static Optional<DynoInfo> dyno(DynoManager m, String name) {
        return m.dynos().stream().filter(d -> d.name().equals(name)).findFirst();
    }

    private static DynoInfo awaitState(DynoManager m, String name, DynoState state) {
        await().atMost(WAIT).until(() -> dyno(m, name).map(d -> d.state() == state).orElse(false));
        return dyno(m, name).orElseThrow();
    }

    @Test
    @Timeout(30)
    void crashedDynoRestartsWithGrowingCoolOffThatResetsAfterStayingUp() throws Exception {
        // runs 1-3 last moments (a crash loop); run 4 lasts a second, long enough to move the clock
        String command = "n=$(cat runs 2>/dev/null || echo 0); n=$((n+1)); echo $n > runs; echo boom; "
                + "if [ $n -ge 4 ]; then sleep 1; fi; exit 3";
        // cool-offs of 1 s and 2 s: a run of moments stays shorter than them on a busy machine too
        DynoManager m = manager("worker: " + command + "\n", FAST.withBackoff(new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(8))));
        m.start(formation(entry("worker", 1)));

        await().atMost(WAIT).until(() -> recorder.events("worker.1").contains("Restarting in 2s (crash 3)"));
        assertThat(recorder.events("worker.1")).containsSubsequence(
                "Starting process with command `" + command + "`",
                "State changed from starting to up",
                "Process exited with status 3",
                "State changed from up to crashed",
                "Restarting",
                "Starting process with command `" + command + "`",
                "Process exited with status 3",
                "Restarting in 1s (crash 2)",
                "Process exited with status 3",
                "Restarting in 2s (crash 3)");
        assertThat(recorder.output("worker.1")).startsWith("boom", "boom", "boom");

        // the 4th run is up; let it "stay up" 11 minutes: its crash starts the count afresh
        await().atMost(WAIT).pollInterval(Duration.ofMillis(10))
                .until(() -> recorder.count("worker.1", "State changed from starting to up") == 4);
        clock.advance(Duration.ofMinutes(11));
        await().atMost(WAIT).until(() -> recorder.count("worker.1", "Process exited with status 3") == 4);
        await().atMost(WAIT).until(() -> recorder.count("worker.1", "Restarting") == 2);
        assertThat(recorder.events("worker.1")).doesNotContain("Restarting in 4s (crash 4)");
    }

    @Test
    @Timeout(30)
    void aDynoThatRanLongerThanItsCoolOffRestartsAtOnce() throws Exception {
        // each run lasts at least 300 ms: as long as the 150 and 300 ms cool-offs, well under 600 ms
        DynoManager m = manager("worker: sleep 0.3; exit 3\n",
                FAST.withBackoff(new Backoff(Duration.ofMillis(150), Duration.ofSeconds(2))));
        m.start(formation(entry("worker", 1)));

        await().atMost(WAIT).until(() -> recorder.events("worker.1").contains("Restarting in 600ms (crash 4)"));
        List<String> restarts = recorder.events("worker.1").stream().filter(e -> e.startsWith("Restarting")).toList();
        assertThat(restarts).startsWith("Restarting", "Restarting", "Restarting", "Restarting in 600ms (crash 4)");
    }

    @Test
    @Timeout(30)
    void dynoIgnoringSigtermIsKilledAfterTheStopTimeoutWithR12() throws Exception {
        DynoManager m = manager("worker: trap '' TERM; sleep 1000; echo never\n", FAST);
        m.start(formation(entry("worker", 1)));
        long pid = awaitState(m, "worker.1", DynoState.UP).pid();
        await().atMost(WAIT).until(() -> Procs.liveGroup(pid).size() >= 2);
        Set<Long> group = Procs.liveGroup(pid);

        long before = System.nanoTime();
        m.scale(List.of("worker=0")).join();
        await().atMost(WAIT).until(() -> m.dynos().isEmpty());

        assertThat(Duration.ofNanos(System.nanoTime() - before)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        assertThat(recorder.events("worker.1")).containsSubsequence(
                "Stopping all processes with SIGTERM",
                "Error R12 (Exit timeout) -> At least one process failed to exit within 1 seconds of SIGTERM",
                "Stopping remaining processes with SIGKILL",
                "Process exited with status 137",
                "State changed from up to down");
        assertThat(group).noneMatch(Procs::alive);
    }

    @Test
    @Timeout(30)
    void childStillRunningAfterItsLeaderExitedIsKilledOnceWithR12() throws Exception {
        DynoManager m = manager("worker: (trap '' TERM; sleep 1000) & sleep 1000; wait\n", FAST);
        m.start(formation(entry("worker", 1)));
        long pid = awaitState(m, "worker.1", DynoState.UP).pid();
        await().atMost(WAIT).until(() -> Procs.liveGroup(pid).size() >= 3);
        Set<Long> group = Procs.liveGroup(pid);

        m.scale(List.of("worker=0")).join();
        await().atMost(WAIT).until(() -> m.dynos().isEmpty());

        assertThat(group).noneMatch(Procs::alive);
        assertThat(recorder.events("worker.1")).containsSubsequence(
                "Stopping all processes with SIGTERM",
                "Error R12 (Exit timeout) -> At least one process failed to exit within 1 seconds of SIGTERM",
                "Process exited with status 143",
                "State changed from up to down");
        assertThat(recorder.events("worker.1")).filteredOn(l -> l.startsWith("Error R12")).hasSize(1);
    }

    @Test
    @Timeout(30)
    void resizingRestartsRunningDynosOneAtATimeWithTheNewSize() throws Exception {
        String web = Fixtures.java(BindPort.class, "200");
        DynoManager m = manager("web: " + web + "\n", FAST.withBootTimeout(Duration.ofSeconds(10)));
        m.start(formation(entry("web", 3)));
        await().atMost(WAIT).until(() -> m.dynos().stream().filter(d -> d.state() == DynoState.UP).count() == 3);
        Set<Long> before = Set.copyOf(m.dynos().stream().map(DynoInfo::pid).toList());
        recorder.lines.clear();

        m.scale(List.of("web:2x")).join();

        // the new size shows at once; the old processes are replaced one by one, like ps:restart
        assertThat(m.dynos()).allMatch(d -> d.size() == DynoSize.STANDARD_2X);
        await().atMost(WAIT).until(() -> m.dynos().size() == 3 && m.dynos().stream().allMatch(d ->
                d.state() == DynoState.UP && d.pid() != 0 && !before.contains(d.pid())));
        assertThat(before).noneMatch(Procs::alive);
        List<String> all = recorder.all();
        // web dynos are prebooted: each old process is stopped only once its successor is up
        for (String name : List.of("web.1", "web.2", "web.3")) {
            assertThat(all).containsSubsequence(name + ": Preboot: starting a new process; the running one serves until it is up",
                    name + ": State changed from starting to up", name + ": Stopping all processes with SIGTERM");
        }
        assertThat(all).containsSubsequence("web.1: State changed from starting to up",
                "web.2: State changed from starting to up", "web.3: State changed from starting to up");
        assertThat(all).filteredOn(l -> l.endsWith("Stopping all processes with SIGTERM")).hasSize(3);
        assertThat(recorder.transitions).noneMatch(t -> t.endsWith("->down")); // ps never showed one down
        assertThat(m.formation().toString()).isEqualTo("web=3:Standard-2X");
    }

    @Test
    @Timeout(30)
    void restartingAnUpWebDynoPrebootsItsReplacementBeforeStoppingIt() throws Exception {
        DynoManager m = manager("web: " + Fixtures.java(BindPort.class, "300") + "\n", FAST.withBootTimeout(Duration.ofSeconds(10)));
        m.start(formation(entry("web", 1)));
        DynoInfo old = awaitState(m, "web.1", DynoState.UP);
        List<DynoInfo> shownWhenStopping = new java.util.concurrent.CopyOnWriteArrayList<>();
        List<DynoInfo> stopped = new java.util.concurrent.CopyOnWriteArrayList<>();
        recorder.beforeStop = d -> {
            stopped.add(d);
            shownWhenStopping.add(dyno(m, "web.1").orElseThrow());
            return CompletableFuture.completedFuture(null);
        };
        recorder.transitions.clear();
        recorder.intents.clear();

        m.restart("web").get(20, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> recorder.events("web.1").contains("Process exited with status 143"));
        assertThat(Procs.alive(old.pid())).isFalse();
        // the old run was drained and stopped only once its successor was up on another port
        assertThat(stopped).singleElement().satisfies(d -> {
            assertThat(d.pid()).isEqualTo(old.pid());
            assertThat(d.port()).isEqualTo(old.port());
        });
        assertThat(shownWhenStopping).singleElement().satisfies(d -> {
            assertThat(d.state()).isEqualTo(DynoState.UP);
            assertThat(d.pid()).isNotEqualTo(old.pid()).isPositive();
            assertThat(d.port()).isNotEqualTo(old.port());
        });
        DynoInfo now = awaitState(m, "web.1", DynoState.UP);
        assertThat(Procs.alive(now.pid())).isTrue();
        assertThat(m.dynos()).hasSize(1);
        // the router saw one dyno, up all along: the successor's boot and the old one's end are not shown
        assertThat(recorder.transitions).containsExactly("web.1 starting->up");
        assertThat(recorder.intents).isEmpty(); // serving throughout: nothing to hold
        assertThat(m.intent()).isEqualTo(AppIntent.SERVING);
        assertThat(recorder.events("web.1")).containsSubsequence(
                "Preboot: starting a new process; the running one serves until it is up",
                "Preboot: the new process is up and takes the traffic; stopping the old one",
                "Stopping all processes with SIGTERM", "Process exited with status 143");
    }

    @Test
    @Timeout(30)
    void aReplacementThatFailsToBootLeavesTheRunningDynoServing() throws Exception {
        // the second start of the command exits at once: a release that does not boot
        String web = "if [ -e booted ]; then echo broken; exit 3; fi; touch booted; exec " + Fixtures.java(BindPort.class);
        DynoManager m = manager("web: " + web + "\n", FAST.withBootTimeout(Duration.ofSeconds(10)));
        m.start(formation(entry("web", 1)));
        DynoInfo old = awaitState(m, "web.1", DynoState.UP);
        recorder.transitions.clear();

        m.restart("web").get(20, TimeUnit.SECONDS);

        assertThat(recorder.events("web.1")).contains(
                "Preboot failed: the new process ended before it was up; the old one keeps serving");
        Thread.sleep(300); // nothing more happens: the failed successor is not restarted
        assertThat(dyno(m, "web.1").orElseThrow()).satisfies(d -> {
            assertThat(d.state()).isEqualTo(DynoState.UP);
            assertThat(d.pid()).isEqualTo(old.pid());
        });
        assertThat(Procs.alive(old.pid())).isTrue();
        assertThat(recorder.count("web.1", "Stopping all processes with SIGTERM")).isZero();
        assertThat(recorder.events("web.1").stream().filter(e -> e.startsWith("Starting process"))).hasSize(2);
        assertThat(recorder.transitions).isEmpty();
    }

    @Test
    @Timeout(30)
    void intentFollowsWhatTheWebDynosDo() throws Exception {
        DynoManager m = manager("web: " + Fixtures.java(BindPort.class) + "\nworker: sleep 1000\n", FAST);
        m.start(formation(entry("web", 1), entry("worker", 0)));
        awaitState(m, "web.1", DynoState.UP);
        m.idle("web.1").join();
        m.wake("web.1").join();
        awaitState(m, "web.1", DynoState.UP);
        m.scale(List.of("web=0")).join();
        await().atMost(WAIT).until(() -> m.dynos().isEmpty());
        assertThat(recorder.intents).containsExactly(AppIntent.STARTING, AppIntent.SERVING,
                AppIntent.RESTARTING, // being put to sleep: held, it will wake
                AppIntent.SLEEPING, AppIntent.WAKING, AppIntent.SERVING, AppIntent.STOPPED);
    }

    @Test
    @Timeout(30)
    void intentIsCrashedOnlyWhenEveryWebDynoCrashed() throws Exception {
        DynoManager m = manager("web: exit 1\n", FAST.withBackoff(new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(5))));
        m.start(formation(entry("web", 2)));
        await().atMost(WAIT).until(() -> m.intent() == AppIntent.CRASHED);
        assertThat(recorder.intents).first().isEqualTo(AppIntent.STARTING);
        assertThat(m.dynos()).allMatch(d -> d.state() == DynoState.CRASHED);
    }

    @Test
    @Timeout(30)
    void resizeAndRestartTogetherEndWithEveryDynoUpOnce() throws Exception {
        DynoManager m = manager("worker: sleep 1000\n", FAST);
        m.start(formation(entry("worker", 2)));
        await().atMost(WAIT).until(() -> m.dynos().stream().filter(d -> d.state() == DynoState.UP).count() == 2);

        CompletableFuture<Void> restart = m.restart("worker");
        m.scale(List.of("worker:2x")).join();
        m.scale(List.of("worker:performance-m")).join();
        restart.get(10, TimeUnit.SECONDS);

        await().atMost(WAIT).until(() -> m.dynos().stream().allMatch(d -> d.state() == DynoState.UP
                && d.size() == DynoSize.PERFORMANCE_M));
        // a dyno already relaunched at the latest size is not restarted again for it
        Thread.sleep(300);
        for (String name : List.of("worker.1", "worker.2")) {
            assertThat(recorder.count(name, "Stopping all processes with SIGTERM")).as(name).isBetween(1L, 3L);
            assertThat(Procs.liveGroup(dyno(m, name).orElseThrow().pid())).isNotEmpty();
        }
        assertThat(m.dynos()).allMatch(d -> d.state() == DynoState.UP);
    }

    @Test
    @Timeout(30)
    void webDynoThatNeverBindsGetsR10AndCountsAsACrash() throws Exception {
        DynoManager m = manager("web: sleep 1000\n", FAST.withBootTimeout(Duration.ofSeconds(1)));
        m.start(formation(entry("web", 1)));
        long pid = awaitState(m, "web.1", DynoState.STARTING).pid();

        await().atMost(WAIT).until(() -> recorder.events("web.1").contains("Restarting"));
        assertThat(recorder.events("web.1")).containsSubsequence(
                "Starting process with command `sleep 1000`",
                "Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 1 seconds of launch",
                "Stopping process with SIGKILL",
                "Process exited with status 137",
                "State changed from starting to crashed",
                "Restarting");
        assertThat(recorder.transitions).doesNotContain("web.1 starting->up");
        assertThat(Procs.alive(pid)).isFalse();
    }

    @Test
    @Timeout(30)
    void subSecondBootAndStopTimeoutsReadAsDecimalSecondsInR10AndR12() throws Exception {
        DynoManager m = manager("web: sleep 1000\nworker: trap '' TERM; sleep 1000\n",
                FAST.withBootTimeout(Duration.ofMillis(500)).withStopTimeout(Duration.ofMillis(250)));
        m.start(formation(entry("web", 1), entry("worker", 1)));
        long worker = awaitState(m, "worker.1", DynoState.UP).pid();
        await().atMost(WAIT).until(() -> Procs.liveGroup(worker).size() >= 2);

        m.scale(List.of("worker=0")).join();

        await().atMost(WAIT).until(() -> recorder.events("web.1").contains("Restarting")
                && recorder.events("worker.1").contains("State changed from up to down"));
        assertThat(recorder.events("web.1")).contains(
                "Error R10 (Boot timeout) -> Web process failed to bind to $PORT within 0.5 seconds of launch");
        assertThat(recorder.events("worker.1")).contains(
                "Error R12 (Exit timeout) -> At least one process failed to exit within 0.25 seconds of SIGTERM");
        assertThat(DynoManager.seconds(Duration.ofSeconds(60))).isEqualTo("60 seconds");
        assertThat(DynoManager.seconds(Duration.ofMillis(1500))).isEqualTo("1.5 seconds");
        assertThat(DynoManager.seconds(Duration.ofMillis(1))).isEqualTo("0.001 seconds");
    }

    @Test
    @Timeout(30)
    void stoppingEndsTheWholeProcessTreeGracefully() throws Exception {
        DynoManager m = manager("worker: sleep 1000 & sleep 1000\n", FAST.withStopTimeout(Duration.ofSeconds(5)));
        m.start(formation(entry("worker", 1)));
        long pid = awaitState(m, "worker.1", DynoState.UP).pid();
        await().atMost(WAIT).until(() -> Procs.liveGroup(pid).size() >= 2);
        Set<Long> group = Procs.liveGroup(pid);
        assertThat(dir.resolve(".dyno/pids/worker.1.pid")).exists();

        long before = System.nanoTime();
        m.close();

        assertThat(group).noneMatch(Procs::alive);
        // well under the 7 s close() would wait for a dyno that ignored SIGTERM (2 x 1 s + 5 s)
        assertThat(Duration.ofNanos(System.nanoTime() - before)).isLessThan(Duration.ofSeconds(6));
        assertThat(recorder.all()).noneMatch(l -> l.contains("R12"));
        assertThat(recorder.events("worker.1")).containsSubsequence(
                "Stopping all processes with SIGTERM", "Process exited with status 143", "State changed from up to down");
        assertThat(dir.resolve(".dyno/pids/worker.1.pid")).doesNotExist();
        assertThat(m.dynos()).isEmpty();
    }

    @Test
    @Timeout(30)
    void webDynoIsUpOnceItBindsPortAndSeesPortDynoPsAndEnv() throws Exception {
        Files.writeString(dir.resolve(".env"), "export GREETING='hi there'\n");
        DynoManager m = manager("web: " + Fixtures.java(BindPort.class, "300") + "\n", FAST.withBootTimeout(Duration.ofSeconds(10)));
        m.start(formation(entry("web", 1)));
        assertThat(dyno(m, "web.1")).hasValueSatisfying(d -> assertThat(d.state()).isEqualTo(DynoState.STARTING));

        DynoInfo web = awaitState(m, "web.1", DynoState.UP);

        assertThat(recorder.transitions).startsWith("web.1 down->starting", "web.1 starting->up");
        assertThat(web.port()).isPositive();
        assertThat(web.pid()).isPositive();
        assertThat(web.command()).contains(BindPort.class.getName());
        assertThat(recorder.output("web.1")).contains(
                "env PORT=" + web.port() + " DYNO=web.1 PS=web.1 GREETING=hi there", "listening on " + web.port());
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), web.port());
             BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream()))) {
            assertThat(in.readLine()).isEqualTo("ok");
        }
    }

    @Test
    @Timeout(30)
    void scalesUpAndDownStoppingHighestNumbersFirst() throws Exception {
        DynoManager m = manager("worker: sleep 1000\nclock: sleep 1000\n", FAST);
        m.start(formation(entry("worker", 3), entry("clock", 0)));
        await().atMost(WAIT).until(() -> m.dynos().stream().filter(d -> d.state() == DynoState.UP).count() == 3);

        assertThat(m.scale(List.of("worker=1")).join().toString()).isEqualTo("worker=1:Standard-1X clock=0:Standard-1X");
        await().atMost(WAIT).until(() -> m.dynos().size() == 1);

        List<String> all = recorder.all();
        int stop3 = all.indexOf("worker.3: Stopping all processes with SIGTERM");
        int stop2 = all.indexOf("worker.2: Stopping all processes with SIGTERM");
        assertThat(stop3).isNotNegative().isLessThan(stop2);
        assertThat(recorder.events("worker.1")).doesNotContain("Stopping all processes with SIGTERM");
        assertThat(m.dynos()).extracting(DynoInfo::name).containsExactly("worker.1");

        m.scale(List.of("worker+2", "clock=1:2x")).join();
        await().atMost(WAIT).until(() -> m.dynos().stream().filter(d -> d.state() == DynoState.UP).count() == 4);
        assertThat(m.dynos()).extracting(DynoInfo::name).containsExactly("clock.1", "worker.1", "worker.2", "worker.3");
        assertThat(dyno(m, "clock.1").orElseThrow().size()).isEqualTo(DynoSize.STANDARD_2X);

        String saved = Files.readString(dir.resolve(".dyno/formation.json"));
        for (String bad : List.of("worker=abc", "worker=-1", "web=1", "worker=2:huge", "worker=100")) {
            assertThatThrownBy(() -> m.scale(List.of("worker=1", bad)).join()).as(bad)
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(IllegalArgumentException.class)
                    .cause().hasMessageStartingWith(bad + ": ");
        }
        assertThat(m.formation().toString()).isEqualTo("worker=3:Standard-1X clock=1:Standard-2X");
        assertThat(Files.readString(dir.resolve(".dyno/formation.json"))).isEqualTo(saved);
        assertThat(m.dynos()).hasSize(4);
    }

    @Test
    @Timeout(40)
    void dynoOverItsQuotaGetsR14AndOverTwiceGetsR15AndARestart() throws Exception {
        long quota = 200L * 1024 * 1024;
        // JVM baseline ~40-60 MB: small holds ~290 MB (over 200, under 400), big ~650 MB (over 400)
        DynoManager m = manager("small: " + Fixtures.java(Hog.class, "240") + "\n"
                + "big: " + Fixtures.java(Hog.class, "600") + "\n",
                FAST.withMemory(Duration.ofMillis(300), quota));
        m.start(formation(entry("small", 1), entry("big", 1)));

        await().atMost(Duration.ofSeconds(25)).until(() ->
                recorder.events("small.1").contains("Error R14 (Memory quota exceeded)")
                        && recorder.count("big.1", "Starting process with command `" + Fixtures.java(Hog.class, "600") + "`") >= 2);

        assertThat(recorder.events("big.1")).containsSubsequence(
                "Error R15 (Memory quota vastly exceeded)",
                "Stopping process with SIGKILL",
                "Process exited with status 137",
                "State changed from up to crashed",
                "Restarting");
        assertThat(recorder.events("small.1")).anyMatch(l -> l.matches("Process running mem=\\d+M\\(\\d+\\.\\d%\\)"));
        assertThat(recorder.events("small.1")).noneMatch(l -> l.contains("R15") || l.startsWith("Process exited"));
        assertThat(recorder.count("small.1", "Error R14 (Memory quota exceeded)")).isEqualTo(1); // at most every 20 s
    }

    @Test
    @Timeout(30)
    void formationSurvivesARestartOfTheManagerAndAppJsonSeedsTheFirstStart() throws Exception {
        Files.writeString(dir.resolve("app.json"), "{\"formation\":{\"worker\":{\"quantity\":2}}}");
        DynoManager first = manager("worker: sleep 1000\nclock: sleep 1000\n", FAST);
        assertThat(first.hasSavedFormation()).isFalse();
        assertThat(first.initialFormation().toString()).isEqualTo("worker=2:Standard-1X clock=0:Standard-1X");
        first.start(first.initialFormation());
        assertThat(first.dynos()).extracting(DynoInfo::name).containsExactly("worker.1", "worker.2");

        first.scale(List.of("worker-1", "clock=1:2x")).join();
        first.close();

        DynoManager second = new DynoManager(App.load(dir, null, null), FAST, recorder, clock);
        managers.add(second);
        assertThat(second.hasSavedFormation()).isTrue();
        assertThat(second.initialFormation().toString()).isEqualTo("worker=1:Standard-1X clock=1:Standard-2X");
        second.start(second.initialFormation());
        await().atMost(WAIT).until(() -> second.dynos().size() == 2);
        assertThat(second.dynos()).extracting(DynoInfo::name).containsExactly("clock.1", "worker.1");
        try (Stream<Path> files = Files.walk(dir.resolve(".dyno"))) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    @Test
    @Timeout(30)
    void nextStartEndsLeftoversOfAKilledManager() throws Exception {
        // what a killed manager leaves: a dyno's process group recorded in .dyno/pids
        Process leftover = Procs.startInOwnGroup("sleep 1000 & sleep 1000 & wait");
        try {
            await().atMost(WAIT).until(() -> Procs.liveGroup(leftover.pid()).size() >= 3);
            Set<Long> group = Procs.liveGroup(leftover.pid());
            new PidRegistry(dir.resolve(".dyno/pids")).record("worker.1",
                    new ProcessTree(ProcessId.of(leftover.pid()).orElseThrow()));
            // and the temp files of saves it was killed in the middle of
            Files.writeString(dir.resolve(".dyno/.formation.json.17.tmp"), "{\"formation\":[{\"ty");
            Files.writeString(dir.resolve(".dyno/pids/.worker.1.pid.18.tmp"), "12");

            DynoManager m = manager("worker: sleep 1000\n", FAST);
            m.start(formation(entry("worker", 1)));

            assertThat(recorder.events("worker.1")).startsWith("Ended leftover process of a previous run");
            assertThat(leftover.waitFor(5, TimeUnit.SECONDS)).isTrue();
            await().atMost(WAIT).until(() -> group.stream().noneMatch(Procs::alive));
            long pid = awaitState(m, "worker.1", DynoState.UP).pid();
            assertThat(pid).isNotEqualTo(leftover.pid());
            assertThat(Files.readString(dir.resolve(".dyno/pids/worker.1.pid"))).startsWith("sid " + pid + "\n")
                    .contains("\n" + pid + " ");
            try (Stream<Path> files = Files.walk(dir.resolve(".dyno"))) {
                assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".tmp"));
            }
        } finally {
            leftover.destroyForcibly();
        }
    }

    @Test
    @Timeout(30)
    void idlesAndWakesAndRestartsADyno() throws Exception {
        DynoManager m = manager("worker: sleep 1000\n", FAST);
        m.start(formation(entry("worker", 1)));
        long first = awaitState(m, "worker.1", DynoState.UP).pid();

        m.idle("worker.1").join();
        assertThat(dyno(m, "worker.1").orElseThrow()).satisfies(d -> {
            assertThat(d.state()).isEqualTo(DynoState.IDLE);
            assertThat(d.pid()).isZero();
            assertThat(d.port()).isZero();
        });
        assertThat(Procs.alive(first)).isFalse();
        assertThat(recorder.events("worker.1")).containsSubsequence("Idling", "State changed from up to idle");

        m.wake("worker.1").join();
        long second = awaitState(m, "worker.1", DynoState.UP).pid();
        assertThat(second).isNotEqualTo(first);
        assertThat(recorder.events("worker.1")).containsSubsequence("Unidling", "State changed from idle to starting");

        m.restart("worker").join();
        long third = dyno(m, "worker.1").orElseThrow().pid();
        assertThat(third).isNotEqualTo(second).isPositive();
        assertThat(Procs.alive(second)).isFalse();
        assertThatThrownBy(() -> m.restart("web").join()).hasCauseInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(30)
    void wakeWhileIdlingStartsTheDynoAgain() throws Exception {
        DynoManager m = manager("worker: sleep 1000\n", FAST);
        m.start(formation(entry("worker", 1)));
        awaitState(m, "worker.1", DynoState.UP);
        CompletableFuture<Void> drained = new CompletableFuture<>();
        recorder.beforeStop = d -> drained;

        CompletableFuture<Void> idled = m.idle("worker.1");
        await().atMost(WAIT).until(() -> recorder.events("worker.1").contains("Idling"));
        m.wake("worker.1").join(); // a request arrives while the dyno is still draining
        recorder.beforeStop = d -> CompletableFuture.completedFuture(null);
        drained.complete(null);
        idled.join();

        DynoInfo d = awaitState(m, "worker.1", DynoState.UP);
        assertThat(d.pid()).isPositive();
        assertThat(recorder.events("worker.1")).containsSubsequence("Idling", "Unidling", "State changed from idle to starting");
    }

    /** The system clock plus an offset the test can advance. */
    private static final class ShiftedClock extends Clock {
        private volatile Duration offset = Duration.ZERO;

        void advance(Duration d) {
            offset = offset.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Instant instant() {
            return Instant.now().plus(offset);
        }
    }
}
