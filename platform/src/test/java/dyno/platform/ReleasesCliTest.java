package dyno.platform;

import static dyno.platform.CliTest.dyno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dyno.platform.CliTest.Result;
import dyno.platform.cli.DynoCommand;
import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonException;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Config vars, releases, the release phase, ps:wait and one-off dynos, through the {@code dyno} commands on a real daemon. */
@Timeout(240)
class ReleasesCliTest {
    @TempDir
    Path dir;

    /** hello's web and worker, and a release phase that records each release's GREETING and fails when FAIL is set. */
    private Path app() throws Exception {
        TestApps.helloApp(dir);
        Files.writeString(dir.resolve("Procfile"), Files.readString(dir.resolve("Procfile"))
                + "release: sh -c 'echo \"released ${GREETING:-none}\" >> released.txt; test -z \"$FAIL\"'\n");
        return dir;
    }

    private List<String> released() throws Exception {
        return Files.readAllLines(dir.resolve("released.txt"));
    }

    private String hello(Daemon daemon) throws Exception {
        return TestApps.get(daemon.routerPort(), "/").body().trim();
    }

    @Test
    void configChangesMakeReleasesThatRunTheReleasePhaseAndRestartTheDynos() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(app(), lines, List.of(), null)) {
            String d = dir.toString();
            assertThat(dyno("ps:wait", "--dir", d).out()).contains("Waiting for every dyno to be running v1... 1 / 1, done");
            assertThat(released()).containsExactly("released none");
            assertThat(hello(daemon)).isEqualTo("Hello from web.1");
            assertThat(daemon.manager().formation().toString()).doesNotContain("release");

            Result set = dyno("config:set", "--dir", d, "GREETING=Hi there");
            assertThat(set.status()).as(set.err()).isZero();
            assertThat(set.out()).contains("Setting GREETING and restarting " + dir.getFileName() + "... done, v2")
                    .contains("GREETING: Hi there");
            Result wait = dyno("ps:wait", "--dir", d, "--wait-interval", "0.2");
            assertThat(wait.status()).as(wait.err()).isZero();
            assertThat(wait.out()).contains("running v2... 1 / 1, done");
            assertThat(hello(daemon)).isEqualTo("Hi there from web.1");
            assertThat(released()).containsExactly("released none", "released Hi there");
            assertThat(daemon.manager().dynos()).extracting(DynoInfo::release).containsOnly(2);

            assertThat(dyno("config:get", "--dir", d, "GREETING").out()).isEqualTo("Hi there\n");
            assertThat(dyno("config", "--dir", d).out()).contains("Config Vars").contains("GREETING: Hi there");
            assertThat(dyno("config", "--dir", d, "--shell").out()).contains("GREETING='Hi there'");
            Result bad = dyno("config:set", "--dir", d, "1BAD=x");
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).contains("1BAD").doesNotContain("Exception");

            // a failing release phase: the release fails, the dynos stay on v2
            dyno("config:set", "--dir", d, "FAIL=1");
            Result failed = dyno("ps:wait", "--dir", d, "--wait-interval", "0.2");
            assertThat(failed.status()).isEqualTo(1);
            assertThat(failed.err()).contains("release v3 failed");
            assertThat(hello(daemon)).isEqualTo("Hi there from web.1");
            assertThat(dyno("releases", "--dir", d).out()).contains("Current: v2")
                    .containsPattern("v3 +Set FAIL config vars \\(failed\\)").contains("v1    Initial release");

            Result unset = dyno("config:unset", "--dir", d, "FAIL", "GREETING");
            assertThat(unset.out()).contains("done, v4");
            assertThat(dyno("ps:wait", "--dir", d, "--wait-interval", "0.2").status()).isZero();
            assertThat(hello(daemon)).isEqualTo("Hello from web.1");

            // ps:restart picks up edits to .env as a release
            Files.writeString(dir.resolve(".env"), "GREETING=From env\n");
            assertThat(dyno("ps:restart", "--dir", d).status()).isZero();
            assertThat(dyno("ps:wait", "--dir", d, "--wait-interval", "0.2").out()).contains("running v5");
            assertThat(hello(daemon)).isEqualTo("From env from web.1");
        }
    }

    @Test
    void aOneOffRunsWithTheConfigPassesItsExitStatusIsListedAndEndsWithTheDaemon() throws Exception {
        List<LogLine> lines = TestApps.lines();
        Daemon daemon = TestApps.start(app(), lines, List.of(), null);
        try {
            String d = dir.toString();
            dyno("config:set", "--dir", d, "GREETING=Hi");
            dyno("ps:wait", "--dir", d, "--wait-interval", "0.2");

            Result run = dyno("run", "--dir", d, "echo \"$DYNO $GREETING ${PORT:+port}\" > run.txt; exit 3");
            assertThat(run.status()).as(run.err()).isEqualTo(3);
            assertThat(Files.readString(dir.resolve("run.txt"))).matches("run\\.\\d+ Hi port\n");

            Result detached = dyno("run", "--dir", d, "--detached", "echo detached as $DYNO with $GREETING");
            assertThat(detached.out()).containsPattern("up, run\\.\\d+");
            await().atMost(30, TimeUnit.SECONDS).until(() -> lines.stream()
                    .anyMatch(l -> l.source().equals(LogLine.APP) && l.message().matches("detached as run\\.\\d+ with Hi")));

            Result sleeper = dyno("run", "--dir", d, "--detached", "sleep 300");
            String name = sleeper.out().replaceAll("(?s).*up, (run\\.\\d+).*", "$1");
            assertThat(daemon.manager().dynos()).anyMatch(x -> x.name().equals(name) && x.oneOff());
            Result kill = dyno("ps:kill", "--dir", d, name);
            assertThat(kill.status()).as(kill.err()).isZero();
            await().atMost(30, TimeUnit.SECONDS).until(() -> daemon.manager().dynos().stream().noneMatch(x -> x.name().equals(name)));

            CompletableFuture<Integer> longRun = CompletableFuture.supplyAsync(
                    () -> DynoCommand.run("run", "--dir", d, "sleep 300"));
            await().atMost(30, TimeUnit.SECONDS).until(() -> dyno("ps", "--dir", d).out().contains("=== run: one-off processes"));
            assertThat(dyno("ps", "--dir", d).out()).containsPattern("run\\.\\d+ \\(Standard-1X\\): up .*: sleep 300");

            daemon.close();
            assertThat(longRun.get(60, TimeUnit.SECONDS)).as("ended by the daemon's stop: SIGTERM").isEqualTo(143);
        } finally {
            daemon.close();
        }
    }

    @Test
    void psScaleWaitReturnsOnlyOnceTheNewDynosAreUpAndPsWaitFiltersByType() throws Exception {
        try (Daemon daemon = TestApps.start(app(), TestApps.lines(), List.of(), null)) {
            String d = dir.toString();
            Result scaled = dyno("ps:scale", "--dir", d, "--wait", "web=3", "worker=1");
            assertThat(scaled.status()).as(scaled.err()).isZero();
            assertThat(scaled.out()).contains("now running web at 3:Standard-1X, worker at 1:Standard-1X")
                    .contains("Waiting for every dyno to be running v1... 4 / 4, done");
            // returned only then: every dyno of the formation is up at this moment, none still booting
            assertThat(daemon.manager().dynos()).hasSize(4).allSatisfy(x -> assertThat(x.state().id()).isEqualTo("up"));

            assertThat(dyno("ps:wait", "--dir", d, "--type", "worker").out()).contains("every worker dyno").contains("1 / 1, done");
            Result badInterval = dyno("ps:wait", "--dir", d, "--wait-interval", "0");
            assertThat(badInterval.status()).isEqualTo(1);
            assertThat(badInterval.err()).contains("--wait-interval").contains("0.1..3600");
        }
    }

    @Test
    void runWithoutADaemonTakesTheConfigFromTheReleasesOrTheEnvFile() throws Exception {
        app();
        Files.writeString(dir.resolve(".env"), "GREETING=from-env\nPORT=1\n");
        Result run = dyno("run", "--dir", dir.toString(), "echo \"$DYNO $GREETING $PORT\" > run.txt");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(Files.readString(dir.resolve("run.txt"))).matches("run\\.1 from-env \\d+\n").doesNotContain(" 1\n");

        Result noDir = dyno("run", "--dir", dir.resolve("nope").toString(), "true");
        assertThat(noDir.status()).isEqualTo(1);
        assertThat(noDir.err()).contains("not a directory").doesNotContain("Exception").doesNotContain("\tat ");

        Result detached = dyno("run", "--dir", dir.toString(), "--detached", "true");
        assertThat(detached.status()).isEqualTo(1);
        assertThat(detached.err()).contains("needs the app running").contains("dyno up --dir");
    }

    @Test
    void upFailsWithTheReasonWhenTheReleasePhaseFailsAndStartsNoDyno() throws Exception {
        app();
        Files.writeString(dir.resolve(".env"), "FAIL=yes\n");
        List<LogLine> lines = TestApps.lines();

        assertThatThrownBy(() -> TestApps.start(dir, lines, List.of(), null)).isInstanceOf(DaemonException.class)
                .hasMessageContaining("release v1 failed").hasMessageContaining("exited with status 1");
        assertThat(released()).containsExactly("released none");
        assertThat(lines).noneMatch(l -> l.dyno().startsWith("web."));

        Files.writeString(dir.resolve(".env"), "GREETING=fixed\n");
        try (Daemon daemon = TestApps.start(dir, lines, List.of(), null)) {
            assertThat(dyno("ps:wait", "--dir", dir.toString()).out()).contains("running v2");
            assertThat(hello(daemon)).isEqualTo("fixed from web.1");
        }
    }
}
