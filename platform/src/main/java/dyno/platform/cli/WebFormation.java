package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.ApiClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The web process type of a running app, as {@code dyno bench} reads and scales it through the control API. */
final class WebFormation {
    private static final Duration UP_WITHIN = Duration.ofSeconds(120);

    private WebFormation() {
    }

    /** The web quantity of the formation. */
    static int quantity(ApiClient api) {
        for (JsonNode f : api.get(api.appPath("/formation"))) {
            if (f.path("type").asText().equals("web")) {
                return f.path("quantity").asInt();
            }
        }
        throw new IllegalArgumentException("the app has no web process type to benchmark");
    }

    /** Asks for {@code n} web dynos and returns at once. */
    static void scale(ApiClient api, int n) {
        api.patch(api.appPath("/formation"), Map.of("updates", List.of(Map.of("type", "web", "quantity", n))));
    }

    /** Asks for {@code n} web dynos and waits until exactly {@code n} run, all up. */
    static void scaleAndWait(ApiClient api, int n) throws InterruptedException {
        scale(api, n);
        awaitUp(api, n);
    }

    /** Web dynos up now. */
    static int up(ApiClient api) {
        int up = 0;
        for (JsonNode d : api.get(api.appPath("/dynos"))) {
            if (d.path("type").asText().equals("web") && d.path("state").asText().equals("up")) {
                up++;
            }
        }
        return up;
    }

    /** Waits until exactly {@code n} web dynos run, all up (at most two minutes). */
    static void awaitUp(ApiClient api, int n) throws InterruptedException {
        long deadline = System.nanoTime() + UP_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            int up = 0;
            int web = 0;
            for (JsonNode d : api.get(api.appPath("/dynos"))) {
                if (d.path("type").asText().equals("web")) {
                    web++;
                    up += d.path("state").asText().equals("up") ? 1 : 0;
                }
            }
            if (web == n && up == n) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("web dynos not all up within " + UP_WITHIN.toSeconds() + " s at web=" + n);
    }
}
