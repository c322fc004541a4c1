package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.client.ApiClient;
import dyno.platform.client.DaemonInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dyno up} and {@code dyno router} as a user runs them, each in a JVM of its own: a taken port,
 * the router's timeouts and in-flight limit, {@code -f/--procfile} (and {@code dyno bench}'s).
 */
@Timeout(240)
class UpCommandTest {
    @TempDir
    Path tmp;

    record Run(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    /** {@code dyno ARGS} in a JVM of its own, run in {@code cwd}; output goes to files in {@code tmp}. */
    private Process start(Path cwd, String name, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), "dyno.platform.cli.DynoCommand"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(tmp.resolve(name + ".out").toFile())
                .redirectError(tmp.resolve(name + ".err").toFile())
                .start();
    }

    private Run finish(Process p, String name) throws Exception {
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("dyno " + name + " did not exit: " + Files.readString(tmp.resolve(name + ".out")));
        }
        return new Run(p.exitValue(), Files.readString(tmp.resolve(name + ".out")),
                Files.readString(tmp.resolve(name + ".err")));
    }

    private Run run(String name, String... args) throws Exception {
        return finish(start(tmp, name, args), name);
    }

    private Path helloApp() throws IOException {
        return TestApps.helloApp(Files.createDirectory(tmp.resolve("app")));
    }

    private static void assertOneLineNoStackTrace(Run r, String expected) {
        assertThat(r.status()).as(r.all()).isEqualTo(1);
        assertThat(r.err()).isEqualTo(expected + "\n");
        assertThat(r.all()).doesNotContain("Exception").doesNotContain("\tat ");
    }

    /** Nothing of the app is left: no daemon.json, no process whose working directory is the app's. */
    private static void assertNothingLeftRunning(Path app) throws IOException {
        assertThat(DaemonInfo.file(app)).doesNotExist();
        assertThat(processesIn(app)).isEmpty();
    }

    /** Processes whose working directory is {@code dir} or below (every dyno runs in its app's). */
    static List<String> processesIn(Path dir) throws IOException {
        Path real = dir.toRealPath();
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path p : procs) {
                try {
                    if (Files.readSymbolicLink(p.resolve("cwd")).startsWith(real)) {
                        found.add(p.getFileName() + " " + Files.readString(p.resolve("cmdline")).replace('\0', ' '));
                    }
                } catch (IOException e) {
                    // gone meanwhile, or not ours to look at
                }
            }
        }
        return found;
    }

    @Test
    void aTakenRouterPortIsOneLineNamingTheAddressAndTheFlag() throws Exception {
        Path app = helloApp();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Run r = run("up", "up", "--dir", app.toString(), "--port", Integer.toString(port), "--no-color");
            assertOneLineNoStackTrace(r, "dyno up: router: cannot listen on 127.0.0.1:" + port
                    + ": the address is already in use (choose another with --port)");
        }
        assertNothingLeftRunning(app);
    }

    @Test
    void aTakenControlApiPortIsOneLineNamingTheAddressAndTheFlag() throws Exception {
        Path app = helloApp();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Run r = run("up", "up", "--dir", app.toString(), "--port", "0", "--api-port", Integer.toString(port),
                    "--no-color");
            assertOneLineNoStackTrace(r, "dyno up: control API: cannot listen on 127.0.0.1:" + port
                    + ": the address is already in use (choose another with --api-port, or 0 for any free port)");
            assertThat(r.out()).doesNotContain("Starting process"); // found before any dyno started
        }
        assertNothingLeftRunning(app);
    }

    @Test
    void aTakenPortOfTheRouterAloneIsOneLineNamingTheAddressAndTheFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Run r = run("router", "router", "--port", Integer.toString(port), "--backend", "127.0.0.1:1");
            assertOneLineNoStackTrace(r, "dyno router: cannot listen on 127.0.0.1:" + port
                    + ": the address is already in use (choose another with --port)");
        }
    }

    @Test
    void badTimeoutsAndInFlightLimitsAreOneLineUsageErrors() throws Exception {
        Path app = helloApp();
        for (String[] bad : new String[][] {{"--request-timeout", "0s"}, {"--idle-timeout", "25h"},
                {"--connect-timeout", "fast"}, {"--max-inflight-per-dyno", "0"}}) {
            CliTest.Result r = CliTest.dyno("up", "--dir", app.toString(), "--port", "0", bad[0], bad[1]);
            assertThat(r.status()).as(bad[0]).isEqualTo(2);
            assertThat(r.err().lines()).as(bad[0]).singleElement().asString()
                    .startsWith("dyno up: " + bad[0] + ": '" + bad[1] + "' (expected: ")
                    .contains(bad[0].equals("--max-inflight-per-dyno") ? "from 1 to 100000" : "from 1ms to 24h");
        }
        assertNothingLeftRunning(app);
    }

    @Test
    void aCpuShareOutOfRangeIsAOneLineUsageError() throws Exception {
        Path app = helloApp();
        CliTest.Result r = CliTest.dyno("up", "--dir", app.toString(), "--port", "0", "--cpu-per-1x", "2000");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err().lines()).singleElement().asString()
                .isEqualTo("dyno up: --cpu-per-1x: 2000.0 (expected: 0..1024 cores, 0 for no CPU limit)");
        assertNothingLeftRunning(app);
    }

    @Test
    void badHealthSettingsAreOneLineUsageErrorsAsOnTheRouterAlone() throws Exception {
        Path app = helloApp();
        for (String[] bad : new String[][] {{"--health-fall", "0", "a whole number from 1 to 1000"},
                {"--health-status", "200-99", "status codes or ranges from 100 to 599"}}) {
            CliTest.Result r = CliTest.dyno("up", "--dir", app.toString(), "--port", "0", "--health-path", "/",
                    bad[0], bad[1]);
            assertThat(r.status()).as(bad[0]).isEqualTo(2);
            assertThat(r.err().lines()).as(bad[0]).singleElement().asString()
                    .startsWith("dyno up: " + bad[0] + ": '" + bad[1] + "' (expected: " + bad[2]);
        }
        assertNothingLeftRunning(app);
    }

    @Test
    void tlsPortZeroPrintsThePortItGotAndServesH2There() throws Exception {
        Path app = helloApp();
        Process up = start(tmp, "up", "up", "--dir", app.toString(), "--port", "0", "--no-color", "--stop-timeout", "5s",
                "--tls-cert", "self-signed", "--tls-port", "0");
        try {
            awaitRouter(app, up);
            await().atMost(60, TimeUnit.SECONDS).until(() -> output(app, "up").contains("HTTPS: https://"));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("HTTPS: https://127\\.0\\.0\\.1:(\\d+) ")
                    .matcher(output(app, "up"));
            assertThat(m.find()).as(output(app, "up")).isTrue();
            int tls = Integer.parseInt(m.group(1));
            assertThat(tls).as("the port printed").isPositive();
            await().atMost(60, TimeUnit.SECONDS).until(() -> curl(tls).startsWith("2 200 Hello from web.1"));
        } finally {
            stopGracefully(up);
        }
        assertThat(up.exitValue()).isZero();
        assertNothingLeftRunning(app);
    }

    /** {@code curl -k --http2} to the HTTPS port: "VERSION STATUS BODY" ("" when curl fails). */
    private static String curl(int port) throws Exception {
        Process p = new ProcessBuilder("curl", "-sk", "--http2", "--max-time", "10", "-w", "%{http_version} %{http_code} ",
                "-o", "/dev/stderr", "https://127.0.0.1:" + port + "/").start();
        String meta = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String body = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        return p.waitFor(20, TimeUnit.SECONDS) && p.exitValue() == 0 ? meta + body : "";
    }

    @Test
    void upPassesTheInFlightLimitAndTheRequestTimeoutToItsRouter() throws Exception {
        Path app = helloApp();
        Process up = start(tmp, "up", "up", "--dir", app.toString(), "--port", "0", "--no-color", "--stop-timeout", "5s",
                "--max-inflight-per-dyno", "1", "--request-timeout", "2s");
        try {
            int port = awaitRouter(app, up);
            await().atMost(60, TimeUnit.SECONDS).until(() -> TestApps.get(port, "/").statusCode() == 200);
            // a response that streams for a while keeps one request in flight: the one the limit allows
            HttpResponse<InputStream> stream = TestApps.HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/stream?chunks=100&ms=200")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            try (BufferedReader body = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                assertThat(body.readLine()).isEqualTo("web.1 chunk 1");
                HttpResponse<String> second = TestApps.get(port, "/");
                assertThat(second.statusCode()).isEqualTo(503);
                await().atMost(10, TimeUnit.SECONDS).until(() -> output(app, "up").contains("at=error code=H11"));
            }
            // the stream abandoned, the limit frees up
            await().atMost(60, TimeUnit.SECONDS).until(() -> TestApps.get(port, "/").statusCode() == 200);

            HttpResponse<String> slow = TestApps.get(port, "/work?ms=10000");
            assertThat(slow.statusCode()).isEqualTo(503);
            await().atMost(10, TimeUnit.SECONDS).until(() -> output(app, "up").contains("at=error code=H12"));
        } finally {
            stopGracefully(up);
        }
        assertThat(up.exitValue()).isZero();
        assertNothingLeftRunning(app);
    }

    @Test
    void procfileFlagReadsAnotherFileRelativeToTheCurrentDirectoryAndKeepsStateInDir() throws Exception {
        Path app = Files.createDirectory(tmp.resolve("app"));
        Files.writeString(app.resolve("Procfile"), "web: sh -c 'exit 3'\n"); // not the one to run
        Path dev = Files.createDirectory(tmp.resolve("procs")).resolve("Procfile.dev");
        Files.writeString(dev, Files.readString(TestApps.helloApp(Files.createDirectory(tmp.resolve("hello")))
                .resolve("Procfile")).lines().filter(l -> l.startsWith("web:")).findFirst().orElseThrow()
                + "\nclock: sleep 1000\n");

        // run in tmp: "procs/Procfile.dev" is relative to the current directory, not to --dir
        Process up = start(tmp, "up", "up", "--dir", "app", "-f", "procs/Procfile.dev", "--formation", "web=1,clock=1",
                "--port", "0", "--no-color", "--stop-timeout", "5s");
        try {
            int port = awaitRouter(app, up);
            await().atMost(60, TimeUnit.SECONDS).until(() -> TestApps.get(port, "/").statusCode() == 200);
            assertThat(TestApps.get(port, "/").body()).isEqualTo("Hello from web.1\n");
            ApiClient api = ApiClient.forDir(app);
            List<String> dynos = new ArrayList<>();
            for (JsonNode d : api.get(api.appPath("/dynos"))) {
                dynos.add(d.path("name").asText() + " " + d.path("command").asText());
            }
            assertThat(dynos).anyMatch(d -> d.equals("clock.1 sleep 1000"));
            assertThat(app.resolve(".dyno")).isDirectory();
            assertThat(dev.resolveSibling(".dyno")).doesNotExist();
        } finally {
            stopGracefully(up);
        }
        assertNothingLeftRunning(app);

        Run missing = finish(start(tmp, "missing", "up", "--dir", "app", "--procfile", "procs/Procfile.nope",
                "--port", "0"), "missing");
        assertOneLineNoStackTrace(missing, "dyno up: " + tmp.resolve("procs/Procfile.nope")
                + ": no such file (expected: a Procfile, with lines like \"web: command\")");
    }

    @Test
    void benchStartsTheAppWithTheProcfileItIsGiven() throws Exception {
        Path app = Files.createDirectory(tmp.resolve("app"));
        Files.writeString(app.resolve("Procfile"), "web: sh -c 'exit 3'\n"); // not the one to run
        Path hello = TestApps.helloApp(Files.createDirectory(tmp.resolve("hello"))).resolve("Procfile");
        CliTest.Result r = CliTest.dyno("bench", "--dir", app.toString(), "--procfile", hello.toString(),
                "--scale", "web=1", "--duration", "1s", "--warmup", "1s", "--concurrency", "2", "--path", "/",
                "--out", tmp.resolve("bench.html").toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        JsonNode step = new ObjectMapper().readTree(r.out()).path("steps").get(0);
        assertThat(step.path("requests").asLong()).isPositive();
        assertThat(step.path("errors").asLong()).isZero();
        assertNothingLeftRunning(app);
    }

    /** SIGTERM (a graceful stop), at most a minute, then SIGKILL if it is still there. */
    private static void stopGracefully(Process up) throws InterruptedException {
        up.destroy();
        up.waitFor(60, TimeUnit.SECONDS);
        up.destroyForcibly();
    }

    /** Waits until the daemon of {@code app} has written daemon.json and returns its router port. */
    private int awaitRouter(Path app, Process up) {
        await().atMost(Duration.ofSeconds(90)).until(() -> DaemonInfo.readLive(app).isPresent() || !up.isAlive());
        return DaemonInfo.readLive(app).orElseThrow(() -> new AssertionError("dyno up exited: "
                + output(app, "up"))).routerPort();
    }

    private String output(Path app, String name) {
        try {
            return Files.readString(tmp.resolve(name + ".out")) + Files.readString(tmp.resolve(name + ".err"));
        } catch (IOException e) {
            return "";
        }
    }
}
