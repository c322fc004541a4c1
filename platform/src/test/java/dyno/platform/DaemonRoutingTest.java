package dyno.platform;

import static dyno.platform.TestApps.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.platform.daemon.Daemon;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dyno up} end to end: real dyno processes behind the real router on 127.0.0.1. */
class DaemonRoutingTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(120)
    void requestsReachEveryWebDynoInRoundRobinOrder() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), lines, List.of("web=3"), null)) {
            awaitUp(daemon, 3);
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                HttpResponse<String> res = get(daemon.routerPort(), "/");
                assertThat(res.statusCode()).isEqualTo(200);
                seen.add(res.body().trim());
            }
            // whatever dyno comes first, the order then repeats with period 3 over all three
            assertThat(seen.subList(0, 3)).containsExactlyInAnyOrder("Hello from web.1", "Hello from web.2", "Hello from web.3");
            assertThat(seen.subList(3, 6)).isEqualTo(seen.subList(0, 3));
            assertThat(seen.subList(6, 9)).isEqualTo(seen.subList(0, 3));
            await().atMost(5, TimeUnit.SECONDS).until(() -> lines.stream().anyMatch(
                    l -> l.dyno().equals("router") && l.message().contains("status=200") && l.message().contains("dyno=web.")));
        }
    }

    @Test
    @Timeout(180)
    void scalingDownWhileAClientSendsRequestsLosesNone() throws Exception {
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=3"), null)) {
            awaitUp(daemon, 3);
            AtomicBoolean run = new AtomicBoolean(true);
            AtomicInteger ok = new AtomicInteger();
            List<String> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread client = new Thread(() -> {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (run.get() && System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> res = get(daemon.routerPort(), "/work?ms=5");
                        if (res.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failures.add(res.statusCode() + " " + res.body());
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            });
            client.start();
            await().atMost(10, TimeUnit.SECONDS).until(() -> ok.get() > 20);
            daemon.manager().scale(List.of("web=1")).get(30, TimeUnit.SECONDS);
            await().atMost(30, TimeUnit.SECONDS).until(() -> webDynos(daemon).size() == 1);
            int before = ok.get();
            await().atMost(10, TimeUnit.SECONDS).until(() -> ok.get() > before + 20);
            run.set(false);
            client.join(10_000);
            assertThat(failures).isEmpty();
            assertThat(webDynos(daemon)).extracting(DynoInfo::name).containsExactly("web.1");
        }
    }

    @Test
    @Timeout(120)
    void aLoneWebDynoIdlesAndTheNextRequestWakesIt() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), lines, List.of("web=1"), Duration.ofSeconds(2))) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> state(daemon, "web.1") == DynoState.IDLE);
            assertThat(webDynos(daemon).get(0).pid()).isZero();
            HttpResponse<String> res = get(daemon.routerPort(), "/");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains("web.1");
            assertThat(lines).filteredOn(l -> l.message().equals("Idling")).hasSize(1);
            assertThat(lines).anyMatch(l -> l.message().equals("Unidling"));
        }
    }

    @Test
    @Timeout(120)
    void aRequestArrivingWhileTheDynoIsBeingPutToSleepIsHeldAndWakesIt() throws Exception {
        // the dyno takes 3 s to stop after SIGTERM (its shell sleeps in the trap): a request sent in
        // that window finds no dyno in rotation; it must be held, and the dyno started again for it
        String web = "java -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto " + TestApps.HELLO.resolve("Web.java");
        java.nio.file.Files.writeString(dir.resolve("Procfile"),
                "web: trap 'sleep 3; exit 0' TERM; " + web + " & wait; wait\n");
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(dir, lines, List.of("web=1"), Duration.ofSeconds(2))) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> lines.stream().anyMatch(l -> l.message().equals("Idling")));
            await().atMost(10, TimeUnit.SECONDS).until(() ->
                    lines.stream().anyMatch(l -> l.message().equals("Stopping all processes with SIGTERM")));
            assertThat(state(daemon, "web.1")).isEqualTo(DynoState.UP); // still stopping
            HttpResponse<String> res = get(daemon.routerPort(), "/");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains("web.1");
            assertThat(lines).extracting(LogLine::message).containsSubsequence("Idling", "Unidling",
                    "State changed from idle to starting", "State changed from starting to up");
        }
    }

    @Test
    @Timeout(120)
    void aResponseStreamingPastTheIdlePeriodIsNotCut() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), lines, List.of("web=1"), Duration.ofSeconds(1))) {
            awaitUp(daemon, 1);
            // Five lines one second apart: the response streams for 4 s, four idle periods.
            HttpResponse<String> res = get(daemon.routerPort(), "/stream?chunks=5&ms=1000");
            long idlingBeforeTheEnd = lines.stream().filter(l -> l.message().equals("Idling")).count();
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains("web.1 chunk 5");
            assertThat(idlingBeforeTheEnd).isZero();
        }
    }

    @Test
    @Timeout(120)
    void aWebDynoThatCrashesBeforeItIsEverUpIsH10NotH14() throws Exception {
        java.nio.file.Files.writeString(dir.resolve("Procfile"), "web: sh -c 'echo failing; exit 3'\n");
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(dir, lines, List.of("web=1"), Duration.ofHours(1))) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> state(daemon, "web.1") == DynoState.CRASHED);
            HttpResponse<String> res = get(daemon.routerPort(), "/");
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("H10 App crashed");
        }
    }

    @Test
    @Timeout(120)
    void twoWebDynosNeverIdle() throws Exception {
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=2"), Duration.ofMillis(500))) {
            awaitUp(daemon, 2);
            Thread.sleep(2_500); // several idle periods pass without a request: nothing may sleep
            assertThat(webDynos(daemon)).extracting(DynoInfo::state).containsOnly(DynoState.UP);
        }
    }

    static void awaitUp(Daemon daemon, int n) {
        await().atMost(60, TimeUnit.SECONDS).until(() ->
                webDynos(daemon).stream().filter(d -> d.state() == DynoState.UP).count() == n);
    }

    static List<DynoInfo> webDynos(Daemon daemon) {
        return daemon.manager().dynos().stream().filter(DynoInfo::isWeb).toList();
    }

    static DynoState state(Daemon daemon, String name) {
        return daemon.manager().dynos().stream().filter(d -> d.name().equals(name)).map(DynoInfo::state)
                .findFirst().orElse(null);
    }
}
