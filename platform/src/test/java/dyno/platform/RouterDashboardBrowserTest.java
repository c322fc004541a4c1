package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.platform.router.DynoRouterProcess;
import dyno.platform.router.NamedServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of {@code dyno router} (its own JVM, two real backends) in headless Chromium: sign in
 * with {@code router:dashboard}'s link, see both backends and their requests, drain one with the
 * page's button and set the other's weight; the router's API shows the same. Saves
 * target/router-dashboard.png.
 */
@Timeout(180)
class RouterDashboardBrowserTest {
    @TempDir
    Path dir;

    @Test
    void showsTheBackendsAndDrainsOneFromThePage() throws Exception {
        assumeTrue(WebDriver.available(), "chromium and chromium-driver are not installed (.ci/run installs them)");
        try (NamedServer a = NamedServer.start("a"); NamedServer b = NamedServer.start("b");
             DynoRouterProcess router = DynoRouterProcess.start("--port", "0", "--backend", a.address(),
                     "--backend", b.address(), "--dir", dir.toString(), "--access-log", "off")) {
            await().atMost(Duration.ofSeconds(30)).until(() -> CliTest.dyno("router:backends", "--dir", dir.toString())
                    .status() == 0);
            String url = CliTest.dyno("router:dashboard", "--dir", dir.toString()).out().lines().findFirst().orElseThrow();
            for (int i = 0; i < 20; i++) {
                assertThat(get(router.port())).isIn("a", "b");
            }
            try (WebDriver browser = new WebDriver(dir)) {
                browser.open(url);
                await().atMost(Duration.ofSeconds(60)).until(() ->
                        browser.findAll("#backends tr[data-backend^='web.'][data-state='ready']").size() == 2);
                assertThat(browser.script("return document.querySelector('#dynos-panel').hidden").asBoolean()).isTrue();
                assertThat(browser.script("return document.querySelector('#backends tr[data-backend=\"web.1\"]')"
                        + ".textContent").asText()).contains(a.address()).contains("10");
                // each backend's requests/s and p95 in its row, and as a line of its own
                assertThat(browser.script("return document.querySelector('#backends tr[data-backend=\"web.1\"] td.rps')"
                        + ".textContent").asText()).matches("[0-9]+\\.[0-9]");
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.script("return [...document.querySelectorAll("
                        + "'#chart-dyno-rps .u-label')].map(e => e.textContent).join(',')").asText().equals("web.1,web.2"));

                browser.click(browser.find("button[data-backend='web.2'][data-state-to='drain']"));
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        !browser.findAll("#backends tr[data-backend='web.2'][data-state='drain']").isEmpty());
                browser.type(browser.find("input[data-weight='web.1']"), "4");
                browser.click(browser.find("button[data-set-weight='web.1']"));
                await().atMost(Duration.ofSeconds(30)).until(() -> CliTest.dyno("router:backends", "--dir",
                        dir.toString()).out().matches("(?s).*web\\.1 +\\S+ +4 +ready.*"));

                int bBefore = b.requests();
                for (int i = 0; i < 20; i++) {
                    assertThat(get(router.port())).isEqualTo("a");
                }
                assertThat(b.requests()).isEqualTo(bBefore);
                await().atMost(Duration.ofSeconds(30)).until(() -> browser.script(
                        "return document.querySelector('#logs').textContent").asText().contains("Backend changed"));
                Thread.sleep(2500); // two polls: the charts show the requests
                Path shot = Path.of("target", "router-dashboard.png");
                browser.screenshot(shot);
                assertThat(Files.size(shot)).isGreaterThan(10_000);
            }
        }
    }

    private static String get(int port) throws Exception {
        HttpResponse<String> res = TestApps.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        return res.body();
    }
}
