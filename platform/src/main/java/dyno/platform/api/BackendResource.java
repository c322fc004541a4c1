package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.platform.metrics.RouterMetrics;
import dyno.router.AdminState;
import dyno.router.BackendStatus;
import dyno.router.DynoRegistry;
import dyno.router.cli.BackendNames;
import dyno.router.cli.BackendSpec;
import dyno.router.cli.RunningRouter;
import dyno.router.cli.RouterCommand;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * {@code /backends}: the runtime API of {@code dyno router}, after HAProxy's: list the backends with
 * their state, in-flight requests, health and counters; add one; set its weight or state
 * ({@code ready}, {@code drain}, {@code maint}); drain it and wait; remove it (drained first).
 * Every change is an event line in the router's output.
 */
final class BackendResource implements Resource {
    private final RunningRouter running;
    private final RouterMetrics metrics;

    BackendResource(RunningRouter running, RouterMetrics metrics) {
        this.running = requireNonNull(running, "running");
        this.metrics = requireNonNull(metrics, "metrics");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/backends", r -> r.json(200, list()));
        routes.add("POST", "/backends", r -> r.json(201, add(r.body())));
        routes.add("GET", "/backends/{name}", r -> r.json(200, shape(status(r.param("name")))));
        routes.add("PATCH", "/backends/{name}", r -> r.json(200, update(r.param("name"), r.body())));
        routes.add("POST", "/backends/{name}/actions/drain", r -> r.json(200,
                drain(r.param("name"), timeout(r.query()))));
        routes.add("DELETE", "/backends/{name}", r -> r.json(200, remove(r.param("name"), timeout(r.query()))));
    }

    private DynoRegistry registry() {
        return running.router().registry();
    }

    ArrayNode list() {
        ArrayNode list = JSON.createArrayNode();
        registry().status().forEach(b -> list.add(shape(b)));
        return list;
    }

    private BackendStatus status(String name) {
        return registry().status().stream().filter(b -> b.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound("no backend \"" + name + "\" (expected one of: "
                        + String.join(", ", registry().names()) + ")"));
    }

    ObjectNode shape(BackendStatus b) {
        return JSON.createObjectNode()
                .put("name", b.name())
                .put("address", BackendSpec.hostPort(b.address()))
                .put("weight", b.weight())
                .put("state", b.admin().name().toLowerCase(Locale.ROOT))
                .put("healthy", b.healthy())
                .put("in_flight", b.inFlight())
                .put("requests", metrics.requests(b.name()))
                .put("errors", metrics.errors(b.name()));
    }

    private synchronized ObjectNode add(JsonNode body) {
        JsonNode address = body.path("address");
        if (!address.isTextual()) {
            throw ApiError.invalid("address: expected \"HOST:PORT\", e.g. {\"address\": \"127.0.0.1:5004\"}");
        }
        BackendSpec spec = BackendSpec.parse(null, address.asText());
        int weight = body.has("weight") ? weight(body.get("weight")) : spec.weight();
        String name;
        if (body.hasNonNull("name")) {
            name = BackendNames.check(body.get("name").asText());
            if (registry().names().contains(name)) {
                throw new ApiError(409, "conflict", "name: '" + name + "' is taken (expected a new name, or none for"
                        + " the next web.N)");
            }
        } else {
            name = BackendNames.next(registry().names());
        }
        registry().add(name, spec.address(), weight);
        running.event("at=info desc=\"Backend added\" dyno=" + name + " backend=" + spec.hostPort() + " weight=" + weight);
        return shape(status(name));
    }

    private ObjectNode update(String name, JsonNode body) {
        BackendStatus before = status(name);
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("weight") && !f.equals("state")) {
                throw ApiError.invalid(f + ": not a backend setting (expected: weight, state)");
            }
        }
        Integer weight = body.has("weight") ? weight(body.get("weight")) : null;
        AdminState state = body.has("state") ? state(body.get("state")) : null;
        if (weight != null) {
            registry().weight(name, weight);
        }
        if (state != null && state != before.admin()) {
            switch (state) {
                case READY -> registry().markUp(name);
                case DRAIN -> registry().drain(name, RunningRouter.DRAIN_DEADLINE);
                case MAINT -> registry().markDown(name);
            }
        }
        BackendStatus after = status(name);
        running.event("at=info desc=\"Backend changed\" dyno=" + name + " backend=" + BackendSpec.hostPort(after.address())
                + " weight=" + after.weight() + " state=" + after.admin().name().toLowerCase(Locale.ROOT));
        return shape(after);
    }

    private ObjectNode drain(String name, Duration timeout) {
        BackendStatus b = status(name);
        running.event("at=info desc=\"Backend draining\" dyno=" + name + " backend=" + BackendSpec.hostPort(b.address())
                + " in_flight=" + b.inFlight());
        Request.await(registry().drain(name, timeout));
        BackendStatus after = status(name);
        running.event("at=info desc=\"Backend drained\" dyno=" + name + " backend="
                + BackendSpec.hostPort(after.address()) + " in_flight=" + after.inFlight());
        return shape(after).put("drained", after.inFlight() == 0);
    }

    private synchronized ObjectNode remove(String name, Duration timeout) {
        BackendStatus b = status(name);
        ObjectNode shape = shape(b);
        Request.await(registry().remove(name, timeout));
        running.event("at=info desc=\"Backend removed\" dyno=" + name + " backend=" + BackendSpec.hostPort(b.address()));
        return shape;
    }

    private static int weight(JsonNode w) {
        if (!w.isIntegralNumber() || w.asInt() < 0 || w.asInt() > 256) {
            throw ApiError.invalid("weight: " + w + " (expected: a whole number from 0 to 256)");
        }
        return w.asInt();
    }

    private static AdminState state(JsonNode s) {
        String v = s.asText("").toLowerCase(Locale.ROOT);
        return switch (v) {
            case "ready" -> AdminState.READY;
            case "drain" -> AdminState.DRAIN;
            case "maint" -> AdminState.MAINT;
            default -> throw ApiError.invalid("state: " + s + " (expected: ready, drain or maint)");
        };
    }

    private static Duration timeout(Map<String, String> query) {
        String t = query.get("timeout");
        return t == null ? RunningRouter.DRAIN_DEADLINE : RouterCommand.parseDuration("timeout", t);
    }
}
