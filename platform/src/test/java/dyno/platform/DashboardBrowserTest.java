package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in headless Chromium (Debian's chromium and chromium-driver, installed by
 * .ci/run) against a running example app: sign in, see the dynos and traffic, scale web to 2 with
 * the page's control, see two dynos. Saves target/dashboard.png.
 */
@Timeout(180)
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

            for (int i = 0; i < 20; i++) {
                TestApps.get(daemon.routerPort(), "/work?ms=20");
            }
            Thread.sleep(2500); // two polls, so that the screenshot shows the last requests
            Path shot = Path.of("target", "dashboard.png");
            browser.screenshot(shot);
            assertThat(Files.size(shot)).isGreaterThan(10_000);
        }
    }
}
