package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;

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
