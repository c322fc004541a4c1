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

/** The dashboard's sign-in over real HTTP: one-time codes, the session cookie, and what it may do. */
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

    private HttpResponse<String> get(String pathOrUrl, String cookie) throws Exception {
        URI uri = URI.create(pathOrUrl.startsWith("http") ? pathOrUrl : "http://127.0.0.1:" + info.apiPort() + pathOrUrl);
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30));
        if (cookie != null) {
            b.header("Cookie", cookie);
        }
        return TestApps.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String login() throws Exception {
        HttpResponse<String> created = api("POST", info, "/dashboard-logins", null, true);
        assertThat(created.statusCode()).isEqualTo(201);
        return MetricsEndpointTest.json(created).path("url").asText();
    }

    @Test
    void aLoginCodeWorksOnceAndGivesAnHttpOnlyCookie() throws Exception {
        String url = login();
        assertThat(url).startsWith("http://127.0.0.1:" + info.apiPort() + "/dashboard/login?code=");

        HttpResponse<String> first = get(url, null);
        assertThat(first.statusCode()).isEqualTo(303);
        assertThat(first.headers().firstValue("Location")).hasValue("/dashboard");
        String setCookie = first.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).contains("HttpOnly").contains("SameSite=Strict").doesNotContain(info.token());
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        assertThat(get(url, null).statusCode()).as("the same code again").isEqualTo(401);
        assertThat(get("/dashboard/login?code=guess", null).statusCode()).isEqualTo(401);

        HttpResponse<String> page = get("/dashboard", cookie);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<script src=\"/dashboard/assets/app.js\">");
        HttpResponse<String> state = get("/dashboard/state", cookie);
        assertThat(state.statusCode()).isEqualTo(200);
        JsonNode s = MetricsEndpointTest.json(state);
        assertThat(s.path("app").asText()).isEqualTo(info.app());
        assertThat(s.path("formation").findValuesAsText("type")).containsExactly("web", "worker");
    }

    @Test
    void withoutASessionThePageAndItsDataAreRefusedButAssetsAreServed() throws Exception {
        assertThat(get("/dashboard", null).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard/state", null).statusCode()).isEqualTo(401);
        assertThat(get("/dashboard", "dyno_session_" + info.apiPort() + "=forged").statusCode()).isEqualTo(401);
        HttpResponse<String> uplot = get("/dashboard/assets/uPlot.min.js", null);
        assertThat(uplot.statusCode()).isEqualTo(200);
        assertThat(uplot.body()).contains("uPlot");
        assertThat(get("/dashboard/assets/../../etc/passwd", null).statusCode()).isEqualTo(404);
        assertThat(get("/dashboard/assets/index.html", null).statusCode()).isEqualTo(404);
        // a session may not mint login links
        assertThat(api("POST", info, "/dashboard-logins", null, false).statusCode()).isEqualTo(401);
    }

    @Test
    void aSessionChangesTheFormationOnlyWithTheDashboardHeader() throws Exception {
        HttpResponse<String> in = get(login(), null);
        String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String path = "http://127.0.0.1:" + info.apiPort() + "/apps/" + info.app() + "/formation/worker";

        HttpRequest.Builder patch = HttpRequest.newBuilder(URI.create(path)).timeout(Duration.ofSeconds(60))
                .header("Cookie", cookie).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"quantity\":1}"));
        HttpResponse<String> forged = TestApps.HTTP.send(patch.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).as("as a cross-site form could send it").isEqualTo(403);
        assertThat(daemon.manager().formation().quantity("worker")).isZero();

        HttpResponse<String> ok = TestApps.HTTP.send(patch.header("X-Dyno-Dashboard", "1").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(daemon.manager().formation().quantity("worker")).isEqualTo(1);
    }

    @Test
    void anIdleAppShowsIdleWhileWatchedAndWakesOnARealRequest() throws Exception {
        daemon.close();
        daemon = TestApps.start(dir, TestApps.lines(), List.of("web=1"), Duration.ofSeconds(2));
        info = DaemonInfo.readLive(dir).orElseThrow();
        HttpResponse<String> in = get(login(), null);
        String setCookie = in.headers().firstValue("Set-Cookie").orElseThrow();
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        // polled every 200 ms the whole time: watching the dashboard is not traffic, the app still sleeps
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> webState(get("/dashboard/state", cookie)).equals("idle"));
        for (int i = 0; i < 10; i++) {
            assertThat(webState(get("/dashboard/state", cookie))).isEqualTo("idle");
            Thread.sleep(200);
        }
        assertThat(TestApps.get(daemon.routerPort(), "/").body()).startsWith("Hello from web.1");
        assertThat(webState(get("/dashboard/state", cookie))).isEqualTo("up");
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
