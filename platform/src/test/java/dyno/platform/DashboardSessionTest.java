package dyno.platform;

import static dyno.platform.MetricsEndpointTest.api;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard's sign-in over real HTTP: one-time codes traded for a session token sent as
 * {@code X-Dyno-Session}, never a cookie, and what a session may do.
 */
@Timeout(120)
class DashboardSessionTest {
    @TempDir
    Path dir;
    Daemon daemon;
    DaemonInfo info;

    @BeforeEach
    void start() throws Exception {
        daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=0"), null);
        info = DaemonInfo.readLive(dir).orElseThrow();
    }

    @AfterEach
    void stop() {
        daemon.close();
    }

    private HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + info.apiPort() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return TestApps.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path, String session) throws Exception {
        return session == null ? send("GET", path, null) : send("GET", path, null, "X-Dyno-Session", session);
    }

    private String loginCode() throws Exception {
        HttpResponse<String> created = api("POST", info, "/dashboard-logins", null, true);
        assertThat(created.statusCode()).isEqualTo(201);
        String url = MetricsEndpointTest.json(created).path("url").asText();
        String prefix = "http://127.0.0.1:" + info.apiPort() + "/dashboard#code=";
        assertThat(url).startsWith(prefix);
        return url.substring(prefix.length());
    }

    private HttpResponse<String> redeem(String code) throws Exception {
        return send("POST", "/dashboard/sessions", "{\"code\":\"" + code + "\"}", "Content-Type", "application/json");
    }

    private String session() throws Exception {
        HttpResponse<String> res = redeem(loginCode());
        assertThat(res.statusCode()).isEqualTo(201);
        return MetricsEndpointTest.json(res).path("session").asText();
    }

    @Test
    void aLoginCodeWorksOnceAndGivesASessionTokenNotACookie() throws Exception {
        String code = loginCode();
        HttpResponse<String> page = get("/dashboard", null);
        assertThat(page.statusCode()).as("the page holds no data").isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/dashboard/assets/app.js\">");
        assertThat(page.headers().firstValue("Set-Cookie")).isEmpty();

        HttpResponse<String> first = redeem(code);
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(first.headers().firstValue("Set-Cookie")).as("no cookie carries a credential").isEmpty();
        assertThat(first.headers().firstValue("Cache-Control")).hasValue("no-store");
        String session = MetricsEndpointTest.json(first).path("session").asText();
        assertThat(session).hasSizeGreaterThanOrEqualTo(32).isNotEqualTo(info.token());

        assertThat(redeem(code).statusCode()).as("the same code again").isEqualTo(401);
        assertThat(redeem("guess").statusCode()).isEqualTo(401);
        assertThat(send("POST", "/dashboard/sessions", "{not json").statusCode()).isEqualTo(422);
        assertThat(send("GET", "/dashboard/sessions", null).statusCode()).isEqualTo(405);

        HttpResponse<String> state = get("/dashboard/state", session);
        assertThat(state.statusCode()).isEqualTo(200);
        JsonNode s = MetricsEndpointTest.json(state);
        assertThat(s.path("app").asText()).isEqualTo(info.app());
        assertThat(s.path("formation").findValuesAsText("type")).containsExactly("web", "worker");
        assertThat(get("/apps/" + info.app() + "/dynos", session).statusCode()).isEqualTo(200);
    }

    @Test
    void withoutASessionHeaderTheDataIsRefusedButThePageAndAssetsAreServed() throws Exception {
        String session = session();
        assertThat(get("/dashboard/state", null).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/state", "forged").statusCode()).isEqualTo(401);
        for (String cookie : List.of("dyno_session_" + info.apiPort() + "=" + session, "dyno_session=" + session)) {
            assertThat(send("GET", "/dashboard/state", null, "Cookie", cookie).statusCode()).as(cookie).isEqualTo(401);
            assertThat(send("GET", "/apps/" + info.app() + "/dynos", null, "Cookie", cookie, "X-Dyno-Dashboard", "1")
                    .statusCode()).as("a cookie is no credential: " + cookie).isEqualTo(401);
        }
        HttpResponse<String> uplot = get("/dashboard/assets/uPlot.min.js", null);
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/dashboard/assets/../../etc/passwd", null).statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/assets/index.html", null).statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/login?code=x", null).statusCode()).as("no cookie login any more").isEqualTo(404);
        // a session may not mint login links
        assertThat(send("POST", "/dashboard-logins", null, "X-Dyno-Session", session).statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionChangesTheFormationFromTheDashboardsOwnOriginOnly() throws Exception {
        String session = session();
        String path = "/apps/" + info.app() + "/formation/worker";
        String body = "{\"quantity\":1}";
        HttpResponse<String> fromADyno = send("PATCH", path, body, "X-Dyno-Session", session,
                "Content-Type", "application/json", "Origin", "http://127.0.0.1:" + daemon.routerPort());
        assertThat(fromADyno.statusCode()).as("a page served by the router").isEqualTo(403);
        assertThat(daemon.manager().formation().quantity("worker")).isZero();

        HttpResponse<String> ok = send("PATCH", path, body, "X-Dyno-Session", session,
                "Content-Type", "application/json", "Origin", "http://127.0.0.1:" + info.apiPort());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(daemon.manager().formation().quantity("worker")).isEqualTo(1);
    }

    @Test
    void anIdleAppShowsIdleWhileWatchedAndWakesOnARealRequest() throws Exception {
        daemon.close();
        daemon = TestApps.start(dir, TestApps.lines(), List.of("web=1"), Duration.ofSeconds(2));
        info = DaemonInfo.readLive(dir).orElseThrow();
        String session = session();

        // polled every 200 ms the whole time: watching the dashboard is not traffic, the app still sleeps
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> webState(get("/dashboard/state", session)).equals("idle"));
        for (int i = 0; i < 10; i++) {
            assertThat(webState(get("/dashboard/state", session))).isEqualTo("idle");
            Thread.sleep(200);
        }
        assertThat(TestApps.get(daemon.routerPort(), "/").body()).startsWith("Hello from web.1");
        assertThat(webState(get("/dashboard/state", session))).isEqualTo("up");
    }

    private static String webState(HttpResponse<String> state) throws Exception {
        for (JsonNode d : MetricsEndpointTest.json(state).path("dynos")) {
            if (d.path("name").asText().equals("web.1")) {
                return d.path("state").asText();
            }
        }
        return "missing";
    }
}
