package dyno.platform.autoscale;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.platform.api.ApiError;
import dyno.platform.api.Resource;
import dyno.platform.api.RouteTable;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

/**
 * {@code /apps/{app}/formation/web/monitors}: web dyno autoscaling in the shape of Heroku's formation
 * monitors (what {@code heroku ps:autoscale:enable} sends to its metrics API): {@code action_type
 * "scale"}, {@code is_active}, {@code min_quantity}, {@code max_quantity}, {@code value} (the desired
 * p95 in ms). Dyno adds {@code window_seconds} and {@code cooldown_seconds} and the recent
 * {@code events}. Only {@code web} autoscales; there is at most one monitor.
 */
public final class MonitorResource implements Resource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> FIELDS = Set.of("action_type", "is_active", "min_quantity", "max_quantity",
            "value", "name", "op", "period", "notification_channels", "notification_period", "window_seconds",
            "cooldown_seconds");

    private final String appName;
    private final Autoscaling autoscaling;

    public MonitorResource(String appName, Autoscaling autoscaling) {
        this.appName = requireNonNull(appName, "appName");
        this.autoscaling = requireNonNull(autoscaling, "autoscaling");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/formation/{type}/monitors", r -> {
            web(r.param("type"));
            ArrayNode list = JSON.createArrayNode();
            autoscaling.policy().ifPresent(p -> list.add(shape(p)));
            r.json(200, list);
        });
        routes.add("POST", "/apps/{app}/formation/{type}/monitors", r -> {
            web(r.param("type"));
            r.json(201, shape(autoscaling.set(parse(r.body(), autoscaling.policy().orElse(null)))));
        });
        routes.add("PATCH", "/apps/{app}/formation/{type}/monitors/{id}", r -> {
            web(r.param("type"));
            AutoscalePolicy current = autoscaling.policy().orElseThrow(() -> ApiError.notFound(
                    "no autoscaling monitor: enable it with POST (dyno ps:autoscale:enable)"));
            if (!r.param("id").equals(id())) {
                throw ApiError.notFound("no monitor " + r.param("id") + " (expected: " + id() + ")");
            }
            r.json(200, shape(autoscaling.set(parse(r.body(), current))));
        });
    }

    /**
     * What the dashboard shows of autoscaling: {@code enabled}, {@code min}, {@code max}, {@code p95_ms},
     * {@code window_seconds}, {@code cooldown_seconds} and the last {@code events} ({@code t} in epoch
     * ms, {@code from}, {@code to}, {@code reason}); JSON null when autoscaling was never set up.
     */
    public JsonNode dashboardState() {
        AutoscalePolicy p = autoscaling.policy().orElse(null);
        if (p == null) {
            return JSON.nullNode();
        }
        ObjectNode n = JSON.createObjectNode().put("enabled", p.active()).put("min", p.min()).put("max", p.max())
                .put("p95_ms", p.p95().toMillis()).put("window_seconds", p.window().toSeconds())
                .put("cooldown_seconds", p.cooldown().toSeconds());
        ArrayNode events = n.putArray("events");
        for (Autoscaling.Event e : autoscaling.events()) {
            events.addObject().put("t", e.at().toEpochMilli()).put("from", e.from()).put("to", e.to())
                    .put("reason", e.reason());
        }
        return n;
    }

    private static void web(String type) {
        if (!type.equals("web")) {
            throw ApiError.invalid("type: " + type + " (expected: web; only web dynos autoscale, on response times)");
        }
    }

    private String id() {
        return UUID.nameUUIDFromBytes(("monitor:" + appName + ":web").getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
    }

    /** The body applied over {@code base} (null: Heroku's defaults); 422 naming a bad field. */
    static AutoscalePolicy parse(JsonNode body, AutoscalePolicy base) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                throw ApiError.invalid(f + ": not a monitor field (expected one of: " + String.join(", ",
                        new java.util.TreeSet<>(FIELDS)) + ")");
            }
        }
        if (body.has("action_type") && !body.get("action_type").asText().equals("scale")) {
            throw ApiError.invalid("action_type: " + body.get("action_type") + " (expected: \"scale\")");
        }
        boolean active = body.has("is_active") ? bool(body, "is_active") : base == null || base.active();
        int min = body.has("min_quantity") ? whole(body, "min_quantity") : base == null ? 1 : base.min();
        int max = body.has("max_quantity") ? whole(body, "max_quantity") : base == null ? -1 : base.max();
        if (max < 0) {
            throw ApiError.invalid("max_quantity: missing (expected: the most web dynos, 1..100)");
        }
        Duration p95 = body.has("value") ? Duration.ofMillis(whole(body, "value"))
                : base == null ? AutoscalePolicy.DEFAULT_P95 : base.p95();
        Duration window = body.has("window_seconds") ? Duration.ofSeconds(whole(body, "window_seconds"))
                : base == null ? AutoscalePolicy.DEFAULT_WINDOW : base.window();
        Duration cooldown = body.has("cooldown_seconds") ? Duration.ofSeconds(whole(body, "cooldown_seconds"))
                : base == null ? AutoscalePolicy.DEFAULT_COOLDOWN : base.cooldown();
        try {
            return new AutoscalePolicy(active, min, max, p95, window, cooldown);
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(e.getMessage().replaceFirst("^min:", "min_quantity:").replaceFirst("^max:",
                    "max_quantity:").replaceFirst("^p95:", "value:").replaceFirst("^window:", "window_seconds:")
                    .replaceFirst("^cooldown:", "cooldown_seconds:"));
        }
    }

    private static int whole(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw ApiError.invalid(field + ": " + n + " (expected: a whole number)");
        }
        return n.asInt();
    }

    private static boolean bool(JsonNode body, String field) {
        JsonNode n = body.get(field);
        if (!n.isBoolean()) {
            throw ApiError.invalid(field + ": " + n + " (expected: true or false)");
        }
        return n.asBoolean();
    }

    private ObjectNode shape(AutoscalePolicy p) {
        ObjectNode n = JSON.createObjectNode()
                .put("id", id())
                .put("action_type", "scale")
                .put("name", "LATENCY_SCALE")
                .put("op", "GREATER_OR_EQUAL")
                .put("period", 1)
                .put("is_active", p.active())
                .put("min_quantity", p.min())
                .put("max_quantity", p.max())
                .put("value", p.p95().toMillis())
                .put("notification_period", 1440)
                .put("window_seconds", p.window().toSeconds())
                .put("cooldown_seconds", p.cooldown().toSeconds());
        n.putArray("notification_channels");
        ArrayNode events = n.putArray("events");
        for (Autoscaling.Event e : autoscaling.events()) {
            events.addObject().put("at", e.at().toString()).put("from", e.from()).put("to", e.to())
                    .put("reason", e.reason());
        }
        return n;
    }
}
