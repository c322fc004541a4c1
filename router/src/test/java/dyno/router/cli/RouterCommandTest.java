package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.TestBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RouterCommandTest {

    private static synchronized String text(StringWriter w) {
        return w.toString();
    }

    @Test
    void servesBackendsAndWritesAccessLinesUntilStopped(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("access.log");
        try (TestBackend backend = TestBackend.start("one")) {
            RouterCommand command = new RouterCommand();
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0",
                    "--threads", "1", "--backend", "127.0.0.1:" + backend.address().getPort(),
                    "--access-log", log.toString()));
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) -> web\\.1=127\\.0\\.0\\.1:");
            await().atMost(Duration.ofSeconds(10)).until(() -> listening.matcher(text(out)).find());
            Matcher m = listening.matcher(text(out));
            assertThat(m.find()).isTrue();
            int port = Integer.parseInt(m.group(1));

            HttpResponse<String> res = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).isEqualTo("one");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(log).contains("at=info method=GET path=\"/\""));

            command.stop();
            assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void rejectsAMalformedBackendNamingTheArgument() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true))
                .execute("--port", "0", "--backend", "localhost");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--backend: 'localhost' (expected: HOST:PORT");
    }

    @Test
    void aBadWeightIsOneLineNamingTheFlagTheValueAndTheRange() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RouterCommand()).setCommandName("dyno router").setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
        int code = cli.execute("--port", "0", "--backend", "127.0.0.1:5001", "--backend", "127.0.0.1:5002,weight=300");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("dyno router: --backend: '127.0.0.1:5002,weight=300'"
                + " (expected: a weight from 0 to 256)" + System.lineSeparator());
    }

    @Test
    void aPortAlreadyInUseIsOneLineAndExitOne() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            StringWriter err = new StringWriter();
            int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true))
                    .execute("--port", Integer.toString(taken.getLocalPort()), "--backend", "127.0.0.1:1");
            assertThat(code).isEqualTo(1);
            assertThat(err.toString().trim()).isEqualTo("dyno router: cannot listen on 127.0.0.1:" + taken.getLocalPort()
                    + ": the address is already in use (choose another with --port)");
        }
    }

    @Test
    void helpGroupsEverySettingWithItsDefault() {
        StringWriter out = new StringWriter();
        CommandLine cli = RouterHelp.install(new CommandLine(new RouterCommand()).setCommandName("dyno router"));
        cli.setOut(new PrintWriter(out, true)).execute("--help");
        String help = out.toString();
        assertThat(help).containsSubsequence("Listener and client connections:", "--port", "TLS (HTTPS listener):",
                "--tls-cert", "--tls-key", "--tls-port", "--tls-engine", "Backends and balancing:",
                "--backend", "Timeouts:", "--request-timeout", "Health checks:", "--health-path", "Logging:",
                "--access-log", "Configuration file:", "--config", "--help");
        for (String key : RouterFile.settings(new CommandLine(new RouterCommand()))) {
            assertThat(help).as(key).contains("--" + key + "=");
        }
    }

    @Test
    void requiresAtLeastOneBackend() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true)).execute("--port", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--backend");
    }

    @Test
    void parsesHostPortPairsIncludingIpv6() {
        assertThat(RouterCommand.parseBackend("127.0.0.1:5001").getPort()).isEqualTo(5001);
        assertThat(RouterCommand.parseBackend("[::1]:5002").getAddress().isLoopbackAddress()).isTrue();
        assertThatThrownBy(() -> RouterCommand.parseBackend("127.0.0.1:99999"))
                .hasMessageContaining("--backend: '127.0.0.1:99999'");
        assertThatThrownBy(() -> RouterCommand.parseBackend("127.0.0.1:")).hasMessageContaining("HOST:PORT");
    }

    @Test
    void parsesDurationsWithUnits() {
        assertThat(RouterCommand.parseDuration("--idle-timeout", "500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(RouterCommand.parseDuration("--idle-timeout", "2m")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> RouterCommand.parseDuration("--idle-timeout", "soon"))
                .hasMessage("--idle-timeout: 'soon' (expected: a duration such as 500ms, 5s, 2m)");
    }

    @Test
    void rejectsAConnectionLimitBelowOneNamingTheOption() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true))
                .execute("--port", "0", "--backend", "127.0.0.1:5001", "--max-connections", "0");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--max-connections: 0 (expected: >= 1)");
    }

    @Test
    void rejectsAMalformedHeaderTimeoutNamingTheOption() {
        StringWriter err = new StringWriter();
        int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true))
                .execute("--port", "0", "--backend", "127.0.0.1:5001", "--header-timeout", "soon");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).contains("--header-timeout: 'soon'");
    }

    @Test
    void rejectsTimeoutsAndInFlightLimitsOutOfRangeNamingTheFlagAndTheRange() {
        for (String[] bad : new String[][] {{"--request-timeout", "0s"}, {"--connect-timeout", "soon"},
                {"--idle-timeout", "25h"}, {"--request-timeout", "99999999999999999999h"},
                {"--max-inflight-per-dyno", "0"}, {"--max-inflight-per-dyno", "100001"},
                {"--max-inflight-per-dyno", "lots"}}) {
            StringWriter err = new StringWriter();
            int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true))
                    .execute("--port", "0", "--backend", "127.0.0.1:5001", bad[0], bad[1]);
            assertThat(code).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err.toString()).as(String.join(" ", bad)).contains(bad[0] + ": '" + bad[1] + "' (expected: ")
                    .doesNotContain("Exception");
        }
    }

    @Test
    void aBadValueIsOneLineWithTheCommandNameNotTheWholeUsage() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RouterCommand()).setCommandName("dyno router").setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
        int code = cli.execute("--port", "0", "--backend", "127.0.0.1:5001", "--max-head-size", "1k");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("dyno router: --max-head-size: '1k' (expected: a size from 16k to 16m, e.g. 64k)"
                + System.lineSeparator());
    }

    @Test
    void rejectsBadHealthSettingsNamingTheFlagAndTheRange() {
        for (String[] bad : new String[][] {{"--health-interval", "1ms"}, {"--health-timeout", "soon"},
                {"--health-fall", "0"}, {"--health-rise", "1001"}, {"--health-status", "600"},
                {"--health-host", "a/b"}}) {
            StringWriter err = new StringWriter();
            CommandLine cli = new CommandLine(new RouterCommand()).setCommandName("dyno router")
                    .setErr(new PrintWriter(err, true));
            cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
            int code = cli.execute("--port", "0", "--backend", "127.0.0.1:5001", "--health-path", "/health",
                    bad[0], bad[1]);
            assertThat(code).as(String.join(" ", bad)).isEqualTo(2);
            assertThat(err.toString().lines()).as(String.join(" ", bad)).singleElement().asString()
                    .startsWith("dyno router: " + bad[0] + ": '" + bad[1] + "' (expected: ");
        }
    }

    @Test
    void printsHealthTransitionsAsRouterLines() throws Exception {
        var server = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/health", ex -> { ex.sendResponseHeaders(503, -1); ex.close(); });
        server.start();
        StringWriter out = new StringWriter();
        RouterCommand command = new RouterCommand();
        CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true));
        try {
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0",
                    "--backend", "127.0.0.1:" + server.getAddress().getPort(), "--health-path", "/health",
                    "--health-interval", "50ms", "--health-fall", "2", "--health-status", "200-399"));
            await().atMost(Duration.ofSeconds(30)).until(() -> out.toString().contains("desc=\"Backend down\""));
            assertThat(out.toString()).contains("dyno=web.1 backend=127.0.0.1:" + server.getAddress().getPort()
                    + " reason=\"status 503 (expected: 200-399)\" checks=2/2 in_rotation=0/1");
            command.stop();
            assertThat(exit.get(20, TimeUnit.SECONDS)).isZero();
        } finally {
            server.stop(0);
        }
    }
}
