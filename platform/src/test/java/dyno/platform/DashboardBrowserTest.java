package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.platform.reliability.SteadyLoad;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium (Debian's chromium and chromium-driver, installed by
 * .ci/run) against a running example app: sign in, see the dynos and traffic, scale web to 2 with
 * the page's control, see two dynos and each one's requests/s, enable autoscaling and see its event on
 * the charts. Saves target/dashboard.png.
 */
@Timeout(240)
class DashboardBrowserTest {
    @TempDir
    Path dir;
    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    /**
     * Browsers send their 127.0.0.1 cookies to every port there: a signed-in browser that visits any
     * other local server (a dyno's page, a dev server) must not hand it something that, replayed
     * against the API, lists the dynos or stops the daemon.
     */
    @Test
    void aSignedInBrowserGivesOtherLocalServersNothingThatOpensTheApi() throws Exception {
        assumeTrue(WebDriver.available(), "chromium and chromium-driver are not installed (.ci/run installs them)");
        daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=0"), null);
        DaemonInfo info = DaemonInfo.readLive(dir).orElseThrow();
        String url = MetricsEndpointTest.json(MetricsEndpointTest.api("POST", info, "/dashboard-logins", null, true))
                .path("url").asText();
        List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();
        HttpServer other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        other.createContext("/", ex -> {
            seen.add(Map.copyOf(ex.getRequestHeaders()));
            byte[] page = "<!doctype html><title>some local app</title>".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, page.length);
            ex.getResponseBody().write(page);
            ex.close();
        });
        other.start();
        try (WebDriver browser = new WebDriver(dir)) {
            browser.open(url);
            await().atMost(Duration.ofSeconds(60)).until(() -> status(browser).equals("live"));
            assertThat(browser.script("return location.href").asText()).as("the code left the address bar")
                    .isEqualTo("http://127.0.0.1:" + info.apiPort() + "/dashboard");
            assertThat(browser.script("return document.cookie").asText()).isEmpty();
            browser.open("http://127.0.0.1:" + info.apiPort() + "/dashboard");
            await().atMost(Duration.ofSeconds(30)).until(() -> status(browser).equals("live")); // reloaded: the tab kept it
            browser.open(url);
            await().atMost(Duration.ofSeconds(30)).until(() -> status(browser).equals("signed out"));
            assertThat(browser.script("return document.querySelector('#signed-out-reason').textContent").asText())
                    .contains("used already");
            browser.open("http://127.0.0.1:" + other.getAddress().getPort() + "/");
            await().atMost(Duration.ofSeconds(30)).until(() -> !seen.isEmpty());
        } finally {
            other.stop(0);
        }
        for (Map<String, List<String>> headers : seen) {
            HttpRequest.Builder replay = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + info.apiPort() + "/apps/" + info.app() + "/dynos"))
                    .timeout(Duration.ofSeconds(30)).header("X-Dyno-Dashboard", "1");
            headers.forEach((name, values) -> {
                if (!RESTRICTED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> replay.header(name, v));
                }
            });
            assertThat(TestApps.HTTP.send(replay.build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                    .as("the dynos, asked with what the other server got: " + headers).isEqualTo(401);
            assertThat(headers.keySet()).as("no cookie at all").noneMatch(n -> n.equalsIgnoreCase("Cookie"));
        }
    }

    private static String status(WebDriver browser) throws Exception {
        return browser.script("return document.querySelector('#status') && document.querySelector('#status').textContent")
                .asText();
    }

    /** Headers the JDK client sets itself. */
    private static final java.util.Set<String> RESTRICTED = java.util.Set.of("host", "connection", "content-length",
            "expect", "upgrade");

    @Test
    void signsInSeesTheAppAndScalesWebToTwo() throws Exception {
        assumeTrue(WebDriver.available(), "chromium and chromium-driver are not installed (.ci/run installs them)");
        daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=1"), null);
        DaemonInfo info = DaemonInfo.readLive(dir).orElseThrow();
        String url = MetricsEndpointTest.json(MetricsEndpointTest.api("POST", info, "/dashboard-logins", null, true))
                .path("url").asText();

        try (WebDriver browser = new WebDriver(dir)) {
            browser.open(url);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    !browser.findAll("#dynos tr[data-dyno='web.1'][data-state='up']").isEmpty());
            assertThat(browser.script("return document.querySelector('#app-name').textContent").asText())
                    .isEqualTo(info.app());
            assertThat(browser.script("return document.querySelector('#chart-rps').parentElement.classList.contains('is-empty')")
                    .asBoolean()).as("no traffic yet: the chart says so").isTrue();

            for (int i = 0; i < 30; i++) {
                assertThat(TestApps.get(daemon.routerPort(), "/work?ms=5").statusCode()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(15)).until(() -> !browser.script(
                    "return document.querySelector('#chart-rps').parentElement.classList.contains('is-empty')").asBoolean());
            assertThat(browser.script("return document.querySelectorAll('#chart-rps canvas').length").asInt()).isPositive();

            browser.type(browser.find("input[data-scale='web']"), "2");
            browser.click(browser.find("button[data-scale-submit='web']"));
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    browser.findAll("#dynos tr[data-dyno^='web.'][data-state='up']").size() == 2);
            assertThat(daemon.manager().formation().quantity("web")).isEqualTo(2);
            assertThat(browser.script("return document.querySelector('#action-message').textContent").asText())
                    .isEqualTo("Scaled web to 2.");
            assertThat(browser.script("return document.querySelector('#logs').textContent").asText())
                    .contains("web.2").contains("Starting process");

            SteadyLoad load = new SteadyLoad(daemon.routerPort(), "/work?ms=20", 2, Duration.ofSeconds(120));
            try {
                // each dyno's share of the requests, in its row and as a line of its own
                await().atMost(Duration.ofSeconds(60)).until(() -> rate(browser, "web.1") > 0 && rate(browser, "web.2") > 0);
                assertThat(browser.script("return document.querySelector(\"#dynos tr[data-dyno='web.1'] td.p95\").textContent")
                        .asText()).endsWith(" ms");
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return [...document.querySelectorAll("
                        + "'#chart-dyno-rps .u-label')].map(e => e.textContent).join(',')").asText().equals("web.1,web.2"));
                assertThat(browser.script("return document.querySelectorAll('#chart-queue canvas').length").asInt())
                        .isPositive();
                assertThat(browser.script("return document.querySelector('#autoscale-status').textContent").asText())
                        .startsWith("Off.");

                // autoscaling on, below the p95 of these requests: one more dyno, drawn on the charts (min 2:
                // its first look at a window that starts empty would take one away)
                String monitor = "{\"is_active\": true, \"min_quantity\": 2, \"max_quantity\": 3, \"value\": 5,"
                        + " \"window_seconds\": 10, \"cooldown_seconds\": 30}";
                assertThat(MetricsEndpointTest.api("POST", info, "/apps/" + info.app() + "/formation/web/monitors",
                        monitor, true).statusCode()).isEqualTo(201);
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                        browser.findAll("#autoscale-events li[data-from='2'][data-to='3']"))
                        .as("events on the page; the state's autoscale: %s; page: %s", MetricsEndpointTest.json(
                                MetricsEndpointTest.api("GET", info, "/dashboard/state", null, true)).get("autoscale"),
                                browser.script("return document.querySelector('#autoscale-panel').outerHTML").asText())
                        .isNotEmpty());
                assertThat(browser.script("return document.querySelector('#autoscale-events li').title").asText())
                        .startsWith("p95 ").contains(" > 5.0ms");
                assertThat(browser.script("return document.querySelector('#autoscale-status').textContent").asText())
                        .isEqualTo("On: web 2..3 dynos at p95 5 ms (window 10 s, cooldown 30 s)");
                await().atMost(Duration.ofSeconds(15)).until(() -> browser.script(
                        "return document.querySelector('#chart-rps .uplot').dataset.events").asText().equals("1"));
                await().atMost(Duration.ofSeconds(60)).until(() -> rate(browser, "web.3") > 0);
            } finally {
                load.close();
            }
            Thread.sleep(2500); // two polls, so that the screenshot shows the last requests
            Path shot = Path.of("target", "dashboard.png");
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }

    /** The requests/s in a dyno's row, 0 while it shows none. */
    private static double rate(WebDriver browser, String dyno) throws Exception {
        String text = browser.script("const c = document.querySelector(\"#dynos tr[data-dyno='" + dyno + "'] td.rps\");"
                + " return c ? c.textContent : ''").asText();
        return text.matches("[0-9.]+") ? Double.parseDouble(text) : 0;
    }
}
