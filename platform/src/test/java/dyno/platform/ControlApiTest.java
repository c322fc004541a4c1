package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.runtime.formation.Formation;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The control API over real HTTP: token, shapes, 422 for bad input with nothing changed. */
@Timeout(120)
class ControlApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path dir;
    Daemon daemon;
    DaemonInfo info;

    @BeforeEach
    void start() throws Exception {
        daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=1"), null);
        info = DaemonInfo.readLive(dir).orElseThrow();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    @Test
    void daemonFileIsPrivateAndNamesTheLivePorts() throws Exception {
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(DaemonInfo.file(dir)))).isEqualTo("rw-------");
        assertThat(info.apiPort()).isEqualTo(daemon.apiPort());
        assertThat(info.routerPort()).isEqualTo(daemon.routerPort());
        assertThat(info.token()).hasSizeGreaterThanOrEqualTo(32);
    }

    @Test
    void refusesMissingOrWrongToken() throws Exception {
        assertThat(send("GET", "/apps/" + info.app() + "/dynos", null, null).statusCode()).isEqualTo(401);
        HttpResponse<String> wrong = send("PATCH", "/apps/" + info.app() + "/formation",
                "{\"updates\":[{\"type\":\"web\",\"quantity\":2}]}", "Bearer nope");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(wrong.body()).path("id").asText()).isEqualTo("unauthorized");
        assertThat(daemon.manager().formation().quantity("web")).isEqualTo(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "{not json",
        "[]",
        "{\"updates\":[]}",
        "{\"updates\":[{\"type\":\"web\",\"quantity\":-1}]}",
        "{\"updates\":[{\"type\":\"web\",\"quantity\":\"two\"}]}",
        "{\"updates\":[{\"type\":\"web\",\"quantity\":101}]}",
        "{\"updates\":[{\"type\":\"web\",\"quantity\":60},{\"type\":\"worker\",\"quantity\":60}]}",
        "{\"updates\":[{\"type\":\"nope\",\"quantity\":1}]}",
        "{\"updates\":[{\"type\":\"web\",\"size\":\"huge\"}]}",
        "{\"updates\":[{\"type\":\"web\\u0000;rm\",\"quantity\":1}]}",
    })
    void invalidFormationBodiesGet422AndChangeNothing(String body) throws Exception {
        Formation before = daemon.manager().formation();
        HttpResponse<String> res = send("PATCH", "/apps/" + info.app() + "/formation", body, bearer());
        assertThat(res.statusCode()).isEqualTo(422);
        JsonNode json = JSON.readTree(res.body());
        assertThat(json.path("id").asText()).isEqualTo("invalid_params");
        assertThat(json.path("message").asText()).isNotBlank();
        assertThat(daemon.manager().formation()).isEqualTo(before);
    }

    @Test
    void oversizedBodyGets422() throws Exception {
        String big = "{\"updates\":[{\"type\":\"web\",\"quantity\":1,\"pad\":\"" + "x".repeat(100_000) + "\"}]}";
        assertThat(send("PATCH", "/apps/" + info.app() + "/formation", big, bearer()).statusCode()).isEqualTo(422);
    }

    @Test
    void dynosCarryTheirCpuAndMemoryUseAgainstTheirSizesLimits() throws Exception {
        // examples/hello's CPU-bound endpoint computes for its CPU time, whatever the wall time
        assertThat(TestApps.get(daemon.routerPort(), "/cpu?ms=30").body()).matches("web\\.1 computed 30ms of CPU in \\d+ms \\(\\d+\\)\n");
        await().atMost(Duration.ofSeconds(30)).until(() -> JSON.readTree(send("GET", "/apps/" + info.app() + "/dynos/web.1",
                null, bearer()).body()).has("memory_rss_bytes"));
        JsonNode web = JSON.readTree(send("GET", "/apps/" + info.app() + "/dynos/web.1", null, bearer()).body());
        assertThat(web.path("memory_quota_bytes").asLong()).isEqualTo(512L << 20);
        assertThat(web.path("memory_rss_bytes").asLong()).isPositive();
        // 0.25 core per 1X by default where the kernel enforces sizes, else none
        assertThat(web.path("cpu_limit_cores").asDouble()).isEqualTo(web.path("limits_enforced").asBoolean() ? 0.25 : 0.0);
        assertThat(web.has("cpu_cores")).isTrue();
        JsonNode sizes = JSON.readTree(send("GET", "/dyno-sizes", null, bearer()).body());
        assertThat(sizes).extracting(s -> s.path("cpu_share").asInt()).contains(1, 2, 0);
        assertThat(sizes).extracting(s -> s.path("dedicated_cores").asInt()).contains(0, 2, 8);
    }

    @Test
    void formationAndDynoShapesFollowThePlatformApi() throws Exception {
        HttpResponse<String> res = send("PATCH", "/apps/" + info.app() + "/formation/worker",
                "{\"quantity\":1,\"size\":\"2X\"}", bearer());
        assertThat(res.statusCode()).isEqualTo(200);
        JsonNode worker = JSON.readTree(res.body());
        assertThat(worker.path("type").asText()).isEqualTo("worker");
        assertThat(worker.path("quantity").asInt()).isEqualTo(1);
        assertThat(worker.path("size").asText()).isEqualTo("Standard-2X");

        JsonNode dynos = JSON.readTree(send("GET", "/apps/" + info.app() + "/dynos", null, bearer()).body());
        assertThat(dynos).hasSize(2);
        for (String field : List.of("name", "type", "state", "size", "command", "port", "pid", "created_at", "updated_at")) {
            assertThat(dynos.get(0).has(field)).as(field).isTrue();
        }
        JsonNode sizes = JSON.readTree(send("GET", "/dyno-sizes", null, bearer()).body());
        assertThat(sizes).extracting(s -> s.path("memory_mb").asInt()).contains(512, 1024, 6144, 2560, 14336);
        assertThat(send("GET", "/apps/" + info.app() + "/dynos/web.9", null, bearer()).statusCode()).isEqualTo(404);
        assertThat(send("GET", "/apps/other/dynos", null, bearer()).statusCode()).isEqualTo(404);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rebind.attacker.example:%d", "rebind.attacker.example", "127.0.0.1", "127.0.0.1:1",
        "localhost.attacker.example:%d", "10.0.0.5:%d", "127.0.0.1:%d.attacker.example", ""})
    void aForeignHostIsRefusedBeforeAuthAsADnsRebindingPageWouldSendIt(String host) throws Exception {
        String hostLine = host.isEmpty() ? "" : "Host: " + String.format(host, info.apiPort()) + "\r\n";
        String version = host.isEmpty() ? "HTTP/1.0" : "HTTP/1.1";
        for (String path : List.of("/apps/" + info.app() + "/dynos", "/dashboard", "/dashboard/assets/app.js")) {
            String res = raw("GET " + path + " " + version + "\r\n" + hostLine + "Authorization: " + bearer()
                    + "\r\nConnection: close\r\n\r\n");
            assertThat(res).as(path + " with Host " + host).startsWith("HTTP/1.1 403 ");
            JsonNode error = JSON.readTree(res.substring(res.indexOf("\r\n\r\n") + 4));
            assertThat(error.path("id").asText()).isEqualTo("forbidden");
            assertThat(error.path("message").asText()).contains("Host");
        }
        String shutdown = raw("POST /apps/" + info.app() + "/actions/shutdown " + version + "\r\n" + hostLine
                + "Authorization: " + bearer() + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        assertThat(shutdown).startsWith("HTTP/1.1 403 ");
        assertThat(send("GET", "/apps/" + info.app(), null, bearer()).statusCode()).as("still running").isEqualTo(200);
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1:%d", "localhost:%d", "LocalHost:%d", "[::1]:%d"})
    void theLoopbackNamesWithTheApiPortAreAccepted(String host) throws Exception {
        String res = raw("GET /apps/" + info.app() + " HTTP/1.1\r\nHost: " + String.format(host, info.apiPort())
                + "\r\nAuthorization: " + bearer() + "\r\nConnection: close\r\n\r\n");
        assertThat(res).startsWith("HTTP/1.1 200 ");
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:5006", "http://localhost", "https://127.0.0.1:%d", "http://evil.example",
        "null", "http://127.0.0.1:%d.evil.example"})
    void aChangeFromAnotherOriginIsRefused(String origin) throws Exception {
        String body = "{\"quantity\":3}";
        String res = raw("PATCH /apps/" + info.app() + "/formation/web HTTP/1.1\r\nHost: 127.0.0.1:" + info.apiPort()
                + "\r\nOrigin: " + String.format(origin, info.apiPort()) + "\r\nAuthorization: " + bearer()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(res).startsWith("HTTP/1.1 403 ");
        assertThat(JSON.readTree(res.substring(res.indexOf("\r\n\r\n") + 4)).path("id").asText()).isEqualTo("forbidden");
        assertThat(daemon.manager().formation().quantity("web")).isEqualTo(1);
    }

    @Test
    void aChangeFromTheApisOwnOriginIsAccepted() throws Exception {
        String body = "{\"quantity\":1}";
        String res = raw("PATCH /apps/" + info.app() + "/formation/worker HTTP/1.1\r\nHost: 127.0.0.1:" + info.apiPort()
                + "\r\nOrigin: http://127.0.0.1:" + info.apiPort() + "\r\nAuthorization: " + bearer()
                + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length()
                + "\r\nConnection: close\r\n\r\n" + body);
        assertThat(res).startsWith("HTTP/1.1 200 ");
        assertThat(daemon.manager().formation().quantity("worker")).isEqualTo(1);
    }

    @Test
    void quantitiesComeAsHerokusCliSendsThem() throws Exception {
        String path = "/apps/" + info.app() + "/formation";
        HttpResponse<String> res = send("PATCH", path, "{\"updates\":[{\"type\":\"worker\",\"quantity\":\"1\"}]}", bearer());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(daemon.manager().formation().quantity("worker")).isEqualTo(1);
        res = send("PATCH", path, "{\"updates\":[{\"type\":\"worker\",\"quantity\":\"-1\"},"
                + "{\"type\":\"web\",\"quantity\":\"+0\",\"size\":\"Standard-2X\"}]}", bearer());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        assertThat(daemon.manager().formation().toString()).isEqualTo("web=1:Standard-2X worker=0:Standard-1X");
        res = send("PATCH", path, "{\"updates\":[{\"type\":\"worker\",\"quantity\":\"-3\"}]}", bearer());
        assertThat(res.statusCode()).as("a relative quantity stops at 0, as on Heroku").isEqualTo(200);
        assertThat(daemon.manager().formation().quantity("worker")).isZero();
        JsonNode worker = JSON.readTree(send("PATCH", path + "/worker", "{\"dyno_size\":{\"name\":\"Performance-M\"}}",
                bearer()).body());
        assertThat(worker.path("size").asText()).isEqualTo("Performance-M");
        assertThat(worker.path("dyno_size").path("name").asText()).isEqualTo("Performance-M");
        assertThat(worker.path("app").path("id").asText()).isNotBlank();
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"2x\"", "\"two\"", "\" 2\"", "\"1.5\"", "1.5", "\"+\"", "\"\"", "true", "null", "{}",
        "\"101\"", "101", "-1", "\"+101\"", "\"--1\""})
    void aBadQuantityGets422NamingTheFieldAndTheRange(String quantity) throws Exception {
        Formation before = daemon.manager().formation();
        HttpResponse<String> res = send("PATCH", "/apps/" + info.app() + "/formation",
                "{\"updates\":[{\"type\":\"worker\",\"quantity\":" + quantity + "}]}", bearer());
        assertThat(res.statusCode()).isEqualTo(422);
        JsonNode error = JSON.readTree(res.body());
        assertThat(error.path("id").asText()).isEqualTo("invalid_params");
        assertThat(error.path("message").asText()).startsWith("updates[0].quantity: ").contains("0..100");
        assertThat(send("PATCH", "/apps/" + info.app() + "/formation/worker", "{\"quantity\":" + quantity + "}", bearer())
                .body()).contains("\"quantity: ").contains("0..100");
        assertThat(daemon.manager().formation()).isEqualTo(before);
    }

    @Test
    void unknownPathsGet404AndOtherMethods405WithAllow() throws Exception {
        for (String path : List.of("/nope", "/apps/" + info.app() + "/nope", "/apps/" + info.app() + "/dynos/web.1/x",
                "/apps/other/formation")) {
            HttpResponse<String> res = send("GET", path, null, bearer());
            assertThat(res.statusCode()).as(path).isEqualTo(404);
            assertThat(JSON.readTree(res.body()).path("id").asText()).as(path).isEqualTo("not_found");
            assertThat(JSON.readTree(res.body()).path("message").asText()).as(path).isNotBlank();
        }
        HttpResponse<String> res = send("POST", "/apps/" + info.app() + "/formation/", "{}", bearer());
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.headers().firstValue("Allow")).hasValue("GET, PATCH");
        assertThat(JSON.readTree(res.body()).path("id").asText()).isEqualTo("method_not_allowed");
        assertThat(send("PUT", "/account", "{}", bearer()).headers().firstValue("Allow")).hasValue("GET");
        assertThat(send("DELETE", "/apps/" + info.app() + "/formations/nope", null, bearer()).statusCode()).isEqualTo(404);
        assertThat(send("POST", "/apps/" + info.app() + "/formations/nope/actions/stop", null, bearer()).statusCode())
                .isEqualTo(404);
        assertThat(send("GET", "/nope", null, null).statusCode()).as("the token before the route").isEqualTo(401);
    }

    @Test
    void theAccountOwnsTheAppWhichAnswersToItsNameAndId() throws Exception {
        JsonNode account = JSON.readTree(send("GET", "/account", null, bearer()).body());
        assertThat(account.path("email").asText()).isEqualTo("dyno@localhost");
        JsonNode app = JSON.readTree(send("GET", "/apps/" + info.app(), null, bearer()).body());
        assertThat(app.path("owner").path("id").asText()).isEqualTo(account.path("id").asText()).isNotBlank();
        assertThat(app.path("generation").path("name").asText()).isEqualTo("cedar");
        assertThat(app.path("web_url").asText()).isEqualTo("http://localhost:" + info.routerPort() + "/");
        JsonNode byId = JSON.readTree(send("GET", "/apps/" + app.path("id").asText() + "/formation/web", null, bearer()).body());
        assertThat(byId.path("app").path("name").asText()).isEqualTo(info.app());
        assertThat(JSON.readTree(send("GET", "/dyno-sizes/2x", null, bearer()).body()).path("name").asText())
                .isEqualTo("Standard-2X");
    }

    @Test
    void aLogSessionUrlStreamsTheLinesOnceWithoutTheToken() throws Exception {
        HttpResponse<String> created = send("POST", "/apps/" + info.app() + "/log-sessions",
                "{\"lines\":1500,\"source\":\"heroku\",\"dyno\":\"web\"}", bearer());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String url = JSON.readTree(created.body()).path("logplex_url").asText();
        assertThat(url).startsWith("http://127.0.0.1:" + info.apiPort() + "/log-sessions/");

        HttpResponse<String> stream = TestApps.HTTP.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(stream.statusCode()).isEqualTo(200);
        assertThat(stream.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        assertThat(stream.body()).contains("data: ").contains(" dyno[web.1]: ");
        assertThat(stream.body()).as("no reconnecting wait once it ends").startsWith("retry: 1\n\n");
        assertThat(stream.body().lines().skip(1).filter(l -> !l.isEmpty()))
                .allMatch(l -> l.matches("data: \\S+ dyno\\[web\\.1]: .*"));

        HttpResponse<String> again = TestApps.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(again.statusCode()).as("used once").isEqualTo(404);
        String guessed = url.substring(0, url.lastIndexOf('/') + 1) + "0".repeat(48);
        assertThat(TestApps.HTTP.send(HttpRequest.newBuilder(URI.create(guessed)).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);

        String fresh = JSON.readTree(send("POST", "/apps/" + info.app() + "/log-sessions", "{}", bearer()).body())
                .path("logplex_url").asText();
        String foreign = raw("GET " + URI.create(fresh).getPath() + " HTTP/1.1\r\nHost: rebind.attacker.example:"
                + info.apiPort() + "\r\nConnection: close\r\n\r\n");
        assertThat(foreign).startsWith("HTTP/1.1 403 ");
        assertThat(send("POST", "/apps/" + info.app() + "/log-sessions", "{}", null).statusCode()).isEqualTo(401);
        for (String bad : List.of("{\"lines\":\"many\"}", "{\"lines\":1501}", "{\"tail\":\"yes\"}",
                "{\"source\":\"bogus\"}", "{\"dyno\":7}")) {
            HttpResponse<String> res = send("POST", "/apps/" + info.app() + "/log-sessions", bad, bearer());
            assertThat(res.statusCode()).as(bad).isEqualTo(422);
            assertThat(JSON.readTree(res.body()).path("message").asText()).as(bad)
                    .startsWith(bad.substring(2, bad.indexOf('"', 2)) + ": ");
        }
    }

    @Test
    void aTailingLogSessionStreamsNewLines() throws Exception {
        String url = JSON.readTree(send("POST", "/apps/" + info.app() + "/log-sessions",
                "{\"lines\":0,\"tail\":true,\"dyno\":\"router\"}", bearer()).body()).path("logplex_url").asText();
        HttpResponse<java.io.InputStream> stream = TestApps.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            TestApps.get(daemon.routerPort(), "/");
            String line;
            do {
                line = in.readLine();
            } while (line != null && !line.startsWith("data: "));
            assertThat(line).contains(" dyno[router]: at=").contains(" path=\"/\"");
        }
    }

    /** One request as raw bytes (a Host the JDK client will not send); the whole answer. */
    private String raw(String request) throws Exception {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", info.apiPort()), 5000);
            s.setSoTimeout(60_000);
            s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private String bearer() {
        return "Bearer " + info.token();
    }

    private HttpResponse<String> send(String method, String path, String body, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + info.apiPort() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (auth != null) {
            b.header("Authorization", auth);
        }
        return TestApps.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
