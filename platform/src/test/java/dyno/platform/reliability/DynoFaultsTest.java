package dyno.platform.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.router.RouterConfig;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import dyno.runtime.manager.ManagerSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dyno faults under steady load through the real router. Short by default; run the long mode with
 * {@code mvn -pl platform test -Dgroups=reliability -Dreliability.long=true}.
 */
@Tag("reliability")
class DynoFaultsTest {
    private static final Logger logger = LoggerFactory.getLogger(DynoFaultsTest.class);
    private static final boolean LONG = Boolean.getBoolean("reliability.long");
    private static final Path HELLO = Path.of("..", "examples", "hello").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Manager events of the daemon under test, as {@code dyno: message}. */
    private final List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();

    private Daemon start(String formation) throws Exception {
        String java = "java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 ";
        Files.writeString(dir.resolve("Procfile"), "web: " + java + HELLO.resolve("Web.java") + "\n");
        Daemon d = Daemon.start(new DaemonOptions(dir, null, null, List.of(formation), Duration.ofDays(1),
                RouterConfig.builder().port(0).threads(1).build(),
                ManagerSettings.defaults().withBootTimeout(Duration.ofSeconds(30)).withStopTimeout(Duration.ofSeconds(10))),
                line -> {
                    if (LogLine.DYNO.equals(line.source())) {
                        events.add(line.dyno() + ": " + line.message());
                    }
                });
        return d;
    }

    private static List<DynoInfo> upWeb(Daemon d) {
        return d.manager().dynos().stream().filter(x -> x.isWeb() && x.state() == DynoState.UP).toList();
    }

    @Test
    @Timeout(240)
    void killingAWebDynoRepeatedlyFailsOnlyItsInFlightRequests() throws Exception {
        int rounds = LONG ? 12 : 3;
        long everyMs = LONG ? 5_000 : 3_000;
        int clients = 4;
        try (Daemon d = start("web=3")) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> upWeb(d).size() == 3);
            List<Long> recoveries = new ArrayList<>();
            SteadyLoad load = new SteadyLoad(d.routerPort(), "/work?ms=10", clients, Duration.ofSeconds(rounds * everyMs / 1000 + 60));
            try {
                for (int i = 0; i < rounds; i++) {
                    Thread.sleep(everyMs);
                    DynoInfo victim = upWeb(d).get(i % 3);
                    long before = load.ok.get();
                    long t0 = System.nanoTime();
                    new ProcessBuilder("kill", "-9", Long.toString(victim.pid())).start().waitFor();
                    await().atMost(30, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(20)).until(() ->
                            d.manager().dynos().stream().anyMatch(x -> x.name().equals(victim.name())
                                    && x.state() == DynoState.UP && x.pid() != victim.pid()));
                    recoveries.add((System.nanoTime() - t0) / 1_000_000);
                    assertThat(load.ok.get()).as("requests keep succeeding while %s restarts", victim.name()).isGreaterThan(before);
                }
            } finally {
                load.close();
            }
            logger.warn("kill -9 x{}: sent={} failed={} recoveryMs={}", rounds, load.sent(), load.failures.size(), recoveries);
            // only requests in flight on the killed dyno may fail: at most one per client per kill
            assertThat(load.failures.size()).as(load.failures.toString()).isLessThanOrEqualTo(rounds * clients);
            assertThat(load.ok.get()).isGreaterThan(rounds * 20L);
            // recovery times are a figure (logged above, docs/reliability.md), not a bound: a shared CPU
            // stretches them; each recovery is bounded only by the 30 s wait above
        }
    }

    @Test
    @Timeout(240)
    void scalingWebDownAndUpRepeatedlyLosesNoRequest() throws Exception {
        int cycles = LONG ? 5 : 2;
        try (Daemon d = start("web=4")) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> upWeb(d).size() == 4);
            SteadyLoad load = new SteadyLoad(d.routerPort(), "/work?ms=10", 4, Duration.ofSeconds(180));
            try {
                for (int i = 0; i < cycles; i++) {
                    d.manager().scale(List.of("web=1")).get(30, TimeUnit.SECONDS);
                    await().atMost(60, TimeUnit.SECONDS).until(() -> d.manager().dynos().stream().filter(DynoInfo::isWeb).count() == 1);
                    d.manager().scale(List.of("web=4")).get(30, TimeUnit.SECONDS);
                    await().atMost(60, TimeUnit.SECONDS).until(() -> upWeb(d).size() == 4);
                }
            } finally {
                load.close();
            }
            logger.warn("scale 4->1->4 x{}: sent={} failed={}", cycles, load.sent(), load.failures.size());
            assertThat(load.failures).isEmpty();
            assertThat(load.ok.get()).isGreaterThan(100);
        }
    }

    @Test
    @Timeout(240)
    void restartingALoneWebDynoLosesNoRequest() throws Exception {
        // web=1: the replacement boots on another port while the old dyno serves (preboot), takes the
        // traffic once up, and only then is the old one drained and stopped: no request fails or waits.
        replaceTheLoneWebDynoUnderLoad("ps:restart web", d -> d.manager().restart("web").get(90, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(240)
    void resizingALoneWebDynoLosesNoRequest() throws Exception {
        replaceTheLoneWebDynoUnderLoad("ps:type web=standard-2x",
                d -> d.manager().scale(List.of("web=1:standard-2x")).get(90, TimeUnit.SECONDS));
    }

    @Test
    @Timeout(240)
    void aConfigChangeOnALoneWebDynoLosesNoRequest() throws Exception {
        // config:set is a release: the dynos restart onto it the same way, prebooted
        replaceTheLoneWebDynoUnderLoad("config:set GREETING=Hi", d -> {
            d.deployer().change("Set GREETING config vars", java.util.Map.of("GREETING", "Hi")).deployed()
                    .get(90, TimeUnit.SECONDS);
            assertThat(upWeb(d)).extracting(DynoInfo::release).containsExactly(2);
        });
    }

    private interface DaemonAction {
        void run(Daemon d) throws Exception;
    }

    /** With web=1 under 4 clients, {@code action} replaces the dyno; no request may fail. */
    private void replaceTheLoneWebDynoUnderLoad(String what, DaemonAction action) throws Exception {
        try (Daemon d = start("web=1")) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> upWeb(d).size() == 1);
            long pid = upWeb(d).get(0).pid();
            SteadyLoad load = new SteadyLoad(d.routerPort(), "/work?ms=10", 4, Duration.ofSeconds(120));
            try {
                Thread.sleep(500);
                action.run(d);
                await().atMost(60, TimeUnit.SECONDS).until(() -> upWeb(d).size() == 1 && upWeb(d).get(0).pid() != pid);
                Thread.sleep(500);
            } finally {
                load.close();
            }
            logger.warn("{} with web=1: sent={} failed={}", what, load.sent(), load.failures.size());
            assertThat(load.failures).isEmpty();
            assertThat(events).containsSubsequence(
                    "web.1: Preboot: starting a new process; the running one serves until it is up",
                    "web.1: Preboot: the new process is up and takes the traffic; stopping the old one",
                    "web.1: Stopping all processes with SIGTERM");
            assertThat(events).doesNotContain("web.1: State changed from up to down");
        }
    }

    @Test
    @Timeout(240)
    void restartingWebDynosLosesNoRequest() throws Exception {
        try (Daemon d = start("web=2")) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> upWeb(d).size() == 2);
            List<Long> pids = upWeb(d).stream().map(DynoInfo::pid).toList();
            SteadyLoad load = new SteadyLoad(d.routerPort(), "/work?ms=10", 4, Duration.ofSeconds(120));
            try {
                Thread.sleep(500);
                d.manager().restart("web").get(90, TimeUnit.SECONDS);
                Thread.sleep(500);
            } finally {
                load.close();
            }
            logger.warn("ps:restart web: sent={} failed={}", load.sent(), load.failures.size());
            assertThat(load.failures).isEmpty();
            assertThat(upWeb(d)).hasSize(2).extracting(DynoInfo::pid).doesNotContainAnyElementsOf(pids);
        }
    }
}
