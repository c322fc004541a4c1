package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.runtime.manager.DynoInfo;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.TestAbortedException;

/**
 * The official Heroku CLI drives a real daemon (issue 15): each supported command, what it prints
 * and what the daemon then runs. One daemon serves the whole class, the tests in order.
 */
@Timeout(300)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HerokuCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String LOG_LINE = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}\\+00:00 \\w+\\[[\\w.-]+]: .*";
    @TempDir
    static Path dir;
    Daemon daemon;
    DaemonInfo info;
    HerokuCli heroku;
    String app;

    /** Why the CLI cannot run here (npm missing...), else null; each test is then skipped with it. */
    String skipped;

    @BeforeAll
    void start() throws Exception {
        Path cli;
        try {
            cli = HerokuCli.locate(dir);
        } catch (TestAbortedException e) {
            skipped = e.getMessage();
            return;
        }
        Path appDir = Files.createDirectories(dir.resolve("app"));
        daemon = TestApps.start(TestApps.helloApp(appDir), TestApps.lines(), List.of("web=1", "worker=0"), null);
        info = DaemonInfo.readLive(appDir).orElseThrow();
        app = info.app();
        heroku = HerokuCli.forDaemon(cli, info, dir);
        DaemonRoutingTest.awaitUp(daemon, 1);
    }

    @BeforeEach
    void cliIsHere() {
        assumeTrue(skipped == null, skipped);
    }

    @AfterAll
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    @Test
    @Order(1)
    void psListsTheDynosByTypeAndFiltersThem() throws Exception {
        HerokuCli.Result ps = heroku.run("ps", "-a", app);
        assertThat(ps.status()).as(ps.all()).isZero();
        assertThat(ps.out()).containsPattern("=== web \\(Standard-1X\\): java .*Web\\.java \\(1\\)")
                .containsPattern("web\\.1: up \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 \\(~ \\d+[smhd] ago\\)");
        assertThat(heroku.run("ps", "web", "-a", app).out()).contains("web.1: up");
        HerokuCli.Result none = heroku.run("ps", "worker", "-a", app);
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("No worker dynos on " + app);
        JsonNode json = JSON.readTree(heroku.run("ps", "--json", "-a", app).out());
        assertThat(json).extracting(d -> d.path("name").asText()).containsExactly("web.1");
    }

    @Test
    @Order(2)
    void psScaleSetsQuantitiesAbsoluteAndRelativeAndSizes() throws Exception {
        assertThat(heroku.run("ps:scale", "-a", app).out().trim()).isEqualTo("web=1:Standard-1X worker=0:Standard-1X");

        HerokuCli.Result up = heroku.run("ps:scale", "web=2", "worker+1", "-a", app);
        assertThat(up.status()).as(up.all()).isZero();
        assertThat(up.err()).contains("Scaling dynos... done, now running web at 2:Standard-1X, worker at 1:Standard-1X");
        assertThat(apiDynos()).extracting(d -> d.path("type").asText()).containsExactlyInAnyOrder("web", "web", "worker");
        DaemonRoutingTest.awaitUp(daemon, 2);
        assertThat(heroku.run("ps", "-a", app).out()).contains("web.2: ").contains("=== worker (Standard-1X)");

        HerokuCli.Result down = heroku.run("ps:scale", "worker-1", "web=1:standard-2x", "-a", app);
        assertThat(down.err()).as(down.all()).contains("now running web at 1:Standard-2X, worker at 0:Standard-1X");
        assertThat(daemon.manager().formation().toString()).isEqualTo("web=1:Standard-2X worker=0:Standard-1X");
        await().atMost(60, TimeUnit.SECONDS).until(() -> apiDynos().size() == 1);
    }

    @Test
    @Order(3)
    void psTypeAndPsResizeShowAndChangeSizes() throws Exception {
        HerokuCli.Result type = heroku.run("ps:type", "-a", app);
        assertThat(type.out()).contains("=== Process Types").containsPattern("web\\s+Standard-2X\\s+1\\s+~\\$")
                .contains("=== Dyno Totals");
        HerokuCli.Result resize = heroku.run("ps:resize", "web=standard-1x", "-a", app);
        assertThat(resize.err()).as(resize.all()).contains("Scaling dynos on " + app + "... done");
        assertThat(resize.out()).containsPattern("web\\s+Standard-1X\\s+1");
        HerokuCli.Result all = heroku.run("ps:type", "performance-m", "-a", app);
        assertThat(all.status()).as(all.all()).isZero();
        assertThat(daemon.manager().formation().toString()).isEqualTo("web=1:Performance-M worker=0:Performance-M");
        assertThat(heroku.run("ps:type", "standard-1x", "-a", app).status()).isZero();
    }

    @Test
    @Order(4)
    void psRestartRestartsAllATypeOrOneDyno() throws Exception {
        DaemonRoutingTest.awaitUp(daemon, 1);
        for (List<String> args : List.<List<String>>of(List.of(), List.of("--process-type", "web"), List.of("--dyno-name", "web.1"))) {
            long pid = webPid();
            List<String> command = new java.util.ArrayList<>(List.of("ps:restart", "-a", app));
            command.addAll(args);
            HerokuCli.Result r = heroku.run(command.toArray(String[]::new));
            assertThat(r.status()).as(r.all()).isZero();
            assertThat(r.err()).contains(args.isEmpty() ? "Restarting all dynos on " + app + "... done"
                    : args.get(0).equals("--process-type") ? "Restarting all web dynos on " + app + "... done"
                    : "Restarting dyno web.1 on " + app + "... done");
            assertThat(webPid()).as("a new web.1 process").isNotEqualTo(pid);
        }
        HerokuCli.Result unknown = heroku.run("ps:restart", "--process-type", "nope", "-a", app);
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("no process type \"nope\"").contains("Error ID: not_found");
    }

    @Test
    @Order(5)
    void psStopAndPsKillStopDynosWhichTheFormationStartsAgain() throws Exception {
        for (List<String> args : List.of(List.of("ps:stop", "--dyno-name", "web.1"), List.of("ps:kill", "-p", "web"))) {
            DaemonRoutingTest.awaitUp(daemon, 1);
            long pid = webPid();
            List<String> command = new java.util.ArrayList<>(args);
            command.addAll(List.of("-a", app));
            HerokuCli.Result r = heroku.run(command.toArray(String[]::new));
            assertThat(r.status()).as(r.all()).isZero();
            assertThat(r.err()).contains(args.get(1).equals("-p") ? "Stopping all web dynos on " + app + "... done"
                    : "Stopping dyno web.1 on " + app + "... done");
            assertThat(webPid()).isNotEqualTo(pid);
            assertThat(daemon.manager().formation().quantity("web")).isEqualTo(1);
        }
        HerokuCli.Result unknown = heroku.run("ps:stop", "--dyno-name", "web.9", "-a", app);
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).contains("no dyno or process type \"web.9\"").contains("Error ID: not_found");
    }

    @Test
    @Order(6)
    void logsPrintsTheLinesWithTheirFiltersAndTails() throws Exception {
        DaemonRoutingTest.awaitUp(daemon, 1);
        TestApps.get(daemon.routerPort(), "/");
        HerokuCli.Result five = heroku.run("logs", "-n", "5", "-a", app);
        assertThat(five.status()).as(five.all()).isZero();
        assertThat(five.out().lines().toList()).hasSize(5).allMatch(l -> l.matches(LOG_LINE));
        assertThat(heroku.run("logs", "--source", "app", "-a", app).out().lines()).isNotEmpty().allMatch(l -> l.contains(" app["));
        assertThat(heroku.run("logs", "--dyno-name", "router", "-a", app).out().lines()).isNotEmpty()
                .allMatch(l -> l.contains(" dyno[router]: at=")).anyMatch(l -> l.contains("method=GET path=\"/\""));
        assertThat(heroku.run("logs", "-p", "web", "--source", "heroku", "-n", "1500", "-a", app).out().lines())
                .isNotEmpty().allMatch(l -> l.contains(" dyno[web.")).anyMatch(l -> l.contains("State changed"));
        HerokuCli.Result bad = heroku.run("logs", "--source", "bogus", "-a", app);
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("source: \"bogus\"");

        HerokuCli.Running tail = heroku.start("logs", "--tail", "-n", "0", "--dyno-name", "router", "-a", app);
        try {
            String marker = "/tailed-" + System.nanoTime();
            await().atMost(60, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(500)).until(() -> {
                TestApps.get(daemon.routerPort(), marker);
                return tail.output().contains("path=\"" + marker + "\"");
            });
            assertThat(tail.process().isAlive()).as("still tailing").isTrue();
        } finally {
            tail.kill();
        }
    }

    @Test
    @Order(7)
    void appsInfoWhoamiAccessAndMaintenanceShowTheLocalAppAndAccount() throws Exception {
        HerokuCli.Result info = heroku.run("apps:info", "-a", app);
        assertThat(info.status()).as(info.all()).isZero();
        assertThat(info.out()).contains("=== " + app).containsPattern("Owner:\\s+dyno@localhost")
                .containsPattern("Web URL:\\s+http://localhost:" + daemon.routerPort() + "/")
                .containsPattern("Dynos:\\s+web: 1").containsPattern("Region:\\s+local").containsPattern("Stack:\\s+local");
        assertThat(heroku.run("auth:whoami").out().trim()).isEqualTo("dyno@localhost");
        assertThat(heroku.run("access", "-a", app).out()).containsPattern("dyno@localhost\\s+owner");
        assertThat(heroku.run("maintenance", "-a", app).out().trim()).isEqualTo("off");
    }

    @Test
    @Order(8)
    void unsupportedCommandsAndWrongKeysGetHerokusErrors() throws Exception {
        HerokuCli.Result domains = heroku.run("domains", "-a", app);
        assertThat(domains.status()).isEqualTo(2);
        assertThat(domains.err()).contains("no such endpoint: GET /apps/" + app + "/domains").contains("Error ID: not_found");
        HerokuCli.Result other = heroku.run("ps", "-a", "other");
        assertThat(other.err()).contains("no app \"other\" here");
        HerokuCli.Result wrong = heroku.withApiKey("nope").run("ps", "-a", app);
        assertThat(wrong.status()).isEqualTo(1);
        assertThat(wrong.err()).contains("The token provided to HEROKU_API_KEY is invalid");
    }

    @Test
    @Order(9)
    void configVarsMakeReleasesThatPsWaitWaitsFor() throws Exception {
        HerokuCli.Result set = heroku.run("config:set", "GREETING=Hi there", "-a", app);
        assertThat(set.status()).as(set.all()).isZero();
        assertThat(set.err()).contains("Setting GREETING and restarting " + app + "... done, v2");
        assertThat(set.out()).containsPattern("GREETING:\\s+Hi there");
        HerokuCli.Result wait = heroku.run("ps:wait", "-a", app);
        assertThat(wait.status()).as(wait.all()).isZero();
        assertThat(TestApps.get(daemon.routerPort(), "/").body()).isEqualTo("Hi there from web.1\n");
        assertThat(daemon.manager().dynos()).extracting(DynoInfo::release).containsOnly(2);

        assertThat(heroku.run("config", "-a", app).out()).contains("=== " + app + " Config Vars").containsPattern("GREETING:\\s+Hi there");
        assertThat(heroku.run("config:get", "GREETING", "-a", app).out()).isEqualTo("Hi there\n");
        HerokuCli.Result unset = heroku.run("config:unset", "GREETING", "-a", app);
        assertThat(unset.err()).as(unset.all()).contains("Unsetting GREETING and restarting " + app + "... done, v3");
        assertThat(heroku.run("ps:wait", "-a", app).status()).isZero();
        assertThat(TestApps.get(daemon.routerPort(), "/").body()).isEqualTo("Hello from web.1\n");

        HerokuCli.Result releases = heroku.run("releases", "-a", app);
        assertThat(releases.out()).as(releases.all()).contains("=== " + app + " Releases - Current: v3")
                .containsPattern("v3\\s+Remove GREETING config vars\\s+dyno@localhost")
                .containsPattern("v2\\s+Set GREETING config vars").containsPattern("v1\\s+Initial release");
        HerokuCli.Result bad = heroku.run("config:set", "1BAD=x", "-a", app);
        assertThat(bad.status()).isEqualTo(2);
        assertThat(bad.err()).contains("1BAD").contains("Error ID: invalid_params");
    }

    @Test
    @Order(10)
    void runDetachedRunsAOneOffWithTheConfigIntoTheLog() throws Exception {
        heroku.run("config:set", "WHO=detached", "-a", app);
        HerokuCli.Result run = heroku.run("run:detached", "-a", app, "echo one-off $DYNO for $WHO");
        assertThat(run.status()).as(run.all()).isZero();
        assertThat(run.all()).containsPattern("on " + app + "\\.\\.\\. done, run\\.\\d+");
        await().atMost(60, TimeUnit.SECONDS).until(() ->
                heroku.run("logs", "-a", app, "--dyno", "run", "-n", "50").out().matches("(?s).*app\\[run\\.\\d+]: one-off run\\.\\d+ for detached.*"));
    }

    private long webPid() {
        return daemon.manager().dynos().stream().filter(d -> d.name().equals("web.1")).mapToLong(DynoInfo::pid)
                .findFirst().orElse(0);
    }

    private JsonNode apiDynos() throws Exception {
        HttpResponse<String> res = TestApps.HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + info.apiPort() + "/apps/" + app + "/dynos"))
                .header("Authorization", "Bearer " + info.token()).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(res.body());
    }
}
