package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.autoscale.AutoscalePolicy;
import java.time.Duration;

/** One line about a web autoscaling monitor, for {@code ps} and {@code ps:autoscale:enable}. */
final class AutoscaleStatus {
    private AutoscaleStatus() {
    }

    /** {@code web autoscaling on: 1..8 dynos at p95 300ms (window 1h, cooldown 1m)}. */
    static String describe(JsonNode m) {
        return "web autoscaling " + (m.path("is_active").asBoolean() ? "on" : "off") + ": "
                + m.path("min_quantity").asInt() + ".." + m.path("max_quantity").asInt() + " dynos at p95 "
                + AutoscalePolicy.human(Duration.ofMillis(m.path("value").asLong())) + " (window "
                + AutoscalePolicy.human(Duration.ofSeconds(m.path("window_seconds").asLong())) + ", cooldown "
                + AutoscalePolicy.human(Duration.ofSeconds(m.path("cooldown_seconds").asLong())) + ")";
    }
}
