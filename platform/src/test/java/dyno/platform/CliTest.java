package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.platform.cli.DynoCommand;
import dyno.platform.daemon.Daemon;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The {@code dyno} commands against a running daemon: formats, errors and exit codes. */
@Timeout(150)
class CliTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    static synchronized Result dyno(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = DynoCommand.run(args);
            return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void psScaleLogsAndErrorsWorkAsOnHeroku() throws Exception {
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of(), null)) {
            String d = dir.toString();
            DaemonRoutingTest.awaitUp(daemon, 1);

            Result formation = dyno("ps:scale", "--dir", d);
            assertThat(formation.out().trim()).isEqualTo("web=1:Standard-1X worker=0:Standard-1X");

            Result scaled = dyno("ps:scale", "--dir", d, "web=2", "worker+1");
            assertThat(scaled.status()).isZero();
            assertThat(scaled.out()).contains("Scaling dynos... done, now running web at 2:Standard-1X, worker at 1:Standard-1X.");
            DaemonRoutingTest.awaitUp(daemon, 2);

            Result ps = dyno("ps", "--dir", d);
            assertThat(ps.out()).contains("=== web (Standard-1X): ").contains(" (2)\n")
                    .containsPattern("web\\.1: up \\d{4}/\\d\\d/\\d\\d \\d\\d:\\d\\d:\\d\\d \\+0000 \\(~ \\d+[smhd] ago\\)")
                    .contains("=== worker (Standard-1X)");
            assertThat(dyno("ps", "--dir", d, "--json").out()).contains("\"name\" : \"web.2\"");

            for (String bad : List.of("web=abc", "web=-1", "nope=1", "web=1:huge", "web=101")) {
                Result r = dyno("ps:scale", "--dir", d, bad);
                assertThat(r.status()).as(bad).isEqualTo(1);
                assertThat(r.err()).as(bad).contains(bad);
            }
            assertThat(daemon.manager().formation().toString()).isEqualTo("web=2:Standard-1X worker=1:Standard-1X");

            TestApps.get(daemon.routerPort(), "/");
            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                String logs = dyno("logs", "--dir", d, "-n", "1500").out();
                return logs.contains(" app[web.1]: ") && logs.contains(" dyno[web.1]: State changed")
                        && logs.contains(" dyno[router]: at=info method=GET");
            });
            assertThat(dyno("logs", "--dir", d, "--dyno", "router").out().lines())
                    .isNotEmpty().allMatch(l -> l.contains(" dyno[router]: "));
            assertThat(dyno("logs", "--dir", d, "--source", "bogus").status()).isEqualTo(1);

            Result restart = dyno("ps:restart", "--dir", d, "web.1");
            assertThat(restart.status()).isZero();
            assertThat(restart.out()).contains("Restarting web.1 dyno... done");
        }
    }

    @Test
    void commandsWithoutARunningAppSayHowToStartOne() {
        Result r = dyno("ps", "--dir", dir.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("no running app").contains("dyno up --dir");
        Result unknown = dyno("ps:scale", "--nope");
        assertThat(unknown.status()).isEqualTo(2);
        // one line naming the command and the option, not the whole usage after it
        assertThat(unknown.err()).startsWith("dyno ps:scale: Unknown option: '--nope'").doesNotContain("Usage:");
    }

    @Test
    void everySubcommandAnswersHelpAndNoArgumentsPrintsTheUsageOnce() {
        for (String sub : List.of("up", "ps", "ps:scale", "ps:type", "ps:restart", "ps:stop", "logs", "down",
                "dashboard", "bench", "router")) {
            Result r = dyno(sub, "--help");
            assertThat(r.status()).as(sub).isZero();
            assertThat(r.out()).as(sub).startsWith("Usage: dyno " + sub);
            assertThat(r.err()).as(sub).isEmpty();
        }
        Result none = dyno();
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("missing command");
        assertThat(none.err().split("Usage: dyno", -1)).as(none.err()).hasSize(2); // once
    }
}
