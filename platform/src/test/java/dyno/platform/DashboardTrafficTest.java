package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.platform.reliability.SteadyLoad;
import dyno.router.RouterConfig;
import dyno.runtime.manager.ManagerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /dashboard/state} of examples/hello at web=2 behind a router queue, under real load: each
 * dyno's requests/s and p95 (table and history), the queue in the history, and an autoscale event
 * with its reason once autoscaling is enabled.
 */
@Timeout(180)
class DashboardTrafficTest {
    @TempDir
    Path dir;

    @Test
    void showsEachDynosTrafficTheQueueAndAutoscaleEvents() throws Exception {
        // one request at a time per dyno, the rest waiting at the router: the queue fills
        DaemonOptions options = new DaemonOptions(TestApps.helloApp(dir), null, null, List.of("web=2"), null,
                RouterConfig.builder().port(0).threads(1).maxInFlightPerDyno(1).queueTimeout(Duration.ofSeconds(30))
                        .build(),
                ManagerSettings.defaults().withBootTimeout(Duration.ofSeconds(30)).withStopTimeout(Duration.ofSeconds(5)));
        try (Daemon daemon = Daemon.start(options, TestApps.lines()::add)) {
            DaemonRoutingTest.awaitUp(daemon, 2);
            DaemonInfo info = DaemonInfo.readLive(dir).orElseThrow();
            JsonNode before = state(info);
            assertThat(before.get("autoscale").isNull()).as("never set up: %s", before.get("autoscale")).isTrue();

            AtomicReference<JsonNode> last = new AtomicReference<>();
            SteadyLoad load = new SteadyLoad(daemon.routerPort(), "/work?ms=50", 6, Duration.ofSeconds(90));
            try {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                    JsonNode s = state(info);
                    last.set(s);
                    for (JsonNode d : s.get("dynos")) {
                        assertThat(d.path("rps").asDouble()).as("%s req/s", d.path("name")).isPositive();
                        assertThat(d.path("p95_ms").asDouble()).as("%s p95", d.path("name")).isGreaterThanOrEqualTo(40);
                    }
                    assertThat(s.get("dynos")).hasSize(2);
                    assertThat(s.get("series")).anySatisfy(p -> {
                        assertThat(p.path("dynos").path("web.1").path("rps").asDouble()).isPositive();
                        assertThat(p.path("dynos").path("web.2").path("rps").asDouble()).isPositive();
                    });
                    assertThat(s.get("series")).anySatisfy(p -> assertThat(p.path("queued").asInt()).isPositive());
                });
            } finally {
                load.close();
            }
            assertThat(load.failures).isEmpty();
            for (JsonNode p : last.get().get("series")) {
                assertThat(p.get("queued").isInt()).as("every point has the queue: %s", p).isTrue();
                assertThat(p.get("dynos").isObject()).isTrue();
            }

            // a range below the count is brought back at once: one event, 2 to 1, with its reason
            String body = "{\"is_active\": true, \"min_quantity\": 1, \"max_quantity\": 1, \"value\": 500,"
                    + " \"window_seconds\": 10, \"cooldown_seconds\": 2}";
            assertThat(MetricsEndpointTest.api("POST", info, "/apps/" + info.app() + "/formation/web/monitors", body,
                    true).statusCode()).isEqualTo(201);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                JsonNode a = state(info).get("autoscale");
                assertThat(a.path("enabled").asBoolean()).isTrue();
                assertThat(a.path("min").asInt()).isEqualTo(1);
                assertThat(a.path("max").asInt()).isEqualTo(1);
                assertThat(a.path("p95_ms").asInt()).isEqualTo(500);
                assertThat(a.path("events")).anySatisfy(e -> {
                    assertThat(e.path("from").asInt()).isEqualTo(2);
                    assertThat(e.path("to").asInt()).isEqualTo(1);
                    assertThat(e.path("reason").asText()).isEqualTo("outside the range 1..1");
                    assertThat(e.path("t").asLong()).isPositive();
                });
            });
            await().atMost(Duration.ofSeconds(60)).until(() -> state(info).get("dynos").size() == 1);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode newest = last(state(info).get("series"));
                assertThat(newest.get("dynos").fieldNames()).toIterable().as("web.2 is gone").containsExactly("web.1");
            });
        }
    }

    private static JsonNode last(JsonNode array) {
        return array.get(array.size() - 1);
    }

    private static JsonNode state(DaemonInfo info) throws Exception {
        var res = MetricsEndpointTest.api("GET", info, "/dashboard/state", null, true);
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return MetricsEndpointTest.json(res);
    }
}
