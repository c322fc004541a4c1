package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.DynoRuntime;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /apps/{app}/formation}: how many dynos of each process type run, and their size. A change
 * is validated whole before anything changes (422 naming the field otherwise).
 */
final class FormationResource implements Resource {
    private final App app;
    private final DynoRuntime manager;

    FormationResource(App app, DynoRuntime manager) {
        this.app = requireNonNull(app, "app");
        this.manager = requireNonNull(manager, "manager");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/formation", r -> r.json(200, list(manager.formation())));
        routes.add("PATCH", "/apps/{app}/formation", r -> r.json(200, batchUpdate(r.body())));
        routes.add("GET", "/apps/{app}/formation/{type}", r -> r.json(200, Shapes.formation(app, entry(r.param("type")))));
        routes.add("PATCH", "/apps/{app}/formation/{type}", r -> r.json(200, updateOne(r.param("type"), r.body())));
    }

    private ArrayNode list(Formation f) {
        ArrayNode list = JSON.createArrayNode();
        f.entries().forEach(e -> list.add(Shapes.formation(app, e)));
        return list;
    }

    private FormationEntry entry(String type) {
        return manager.formation().entry(type).orElseThrow(() -> ApiError.notFound(
                "no process type \"" + type + "\" (expected one of: " + String.join(", ", app.procfile().names()) + ")"));
    }

    private ArrayNode batchUpdate(JsonNode body) {
        JsonNode updates = body.path("updates");
        if (!updates.isArray() || updates.isEmpty()) {
            throw ApiError.invalid("updates: expected a non-empty array of {\"type\", \"quantity\", \"size\"}");
        }
        List<FormationEntry> entries = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            JsonNode u = updates.get(i);
            if (!u.path("type").isTextual()) {
                throw ApiError.invalid("updates[" + i + "].type: expected a process type name");
            }
            entries.add(parseEntry("updates[" + i + "].", u.get("type").asText(), u));
        }
        return list(apply(entries));
    }

    private ObjectNode updateOne(String type, JsonNode body) {
        entry(type);
        Formation f = apply(List.of(parseEntry("", type, body)));
        return Shapes.formation(app, f.entry(type).orElseThrow());
    }

    private FormationEntry parseEntry(String prefix, String type, JsonNode u) {
        if (!u.isObject()) {
            throw ApiError.invalid(prefix.isEmpty() ? "body: expected a JSON object" : prefix + ": expected an object");
        }
        FormationEntry current = manager.formation().entry(type).orElseThrow(() -> ApiError.invalid(
                prefix + "type: unknown process type \"" + type + "\" (expected one of: "
                        + String.join(", ", app.procfile().names()) + ")"));
        int quantity = u.has("quantity") ? quantity(prefix + "quantity", u.get("quantity"), current) : current.quantity();
        DynoSize size = current.size();
        if (u.has("size")) {
            size = size(prefix + "size", u.get("size"));
        }
        if (u.has("dyno_size")) {
            JsonNode ds = u.get("dyno_size");
            JsonNode name = ds.has("name") ? ds.get("name") : ds.path("id");
            if (!ds.isObject() || name.isMissingNode()) {
                throw ApiError.invalid(prefix + "dyno_size: " + ds + " (expected: {\"name\": SIZE} or {\"id\": SIZE})");
            }
            DynoSize named = size(prefix + "dyno_size." + (ds.has("name") ? "name" : "id"), name);
            if (u.has("size") && named != size) {
                throw ApiError.invalid(prefix + "dyno_size: " + ds + " (expected: the same size as "
                        + prefix + "size, " + size.displayName() + ")");
            }
            size = named;
        }
        return new FormationEntry(type, quantity, size);
    }

    /**
     * A quantity as Heroku accepts it: an integer, a string of one ({@code "2"}, what {@code heroku
     * ps:scale web=2} sends), or a signed string relative to the current quantity ({@code "+1"},
     * {@code "-1"}, from {@code web+1}; it stops at 0, as on Heroku); the result must be 0..100.
     */
    private static int quantity(String field, JsonNode q, FormationEntry current) {
        String text = q.isTextual() ? q.asText() : null;
        int max = FormationEntry.MAX_DYNOS;
        int value;
        if (q.isIntegralNumber() && q.canConvertToInt()) {
            value = q.asInt();
        } else if (text != null && text.matches("[0-9]{1,9}")) {
            value = Integer.parseInt(text);
        } else if (text != null && text.matches("[+-][0-9]{1,9}")) {
            value = Math.max(0, current.quantity() + Integer.parseInt(text)); // Heroku stops at 0
            if (value > max) {
                throw ApiError.invalid(field + ": " + q + " would make " + current.type() + " " + value
                        + " (expected: 0.." + max + ")");
            }
        } else {
            throw ApiError.invalid(field + ": " + q + " (expected: 0.." + max
                    + ", a number or a string of digits, or \"+N\"/\"-N\" to change the current quantity)");
        }
        if (value < 0 || value > max) {
            throw ApiError.invalid(field + ": " + q + " (expected: 0.." + max + ")");
        }
        return value;
    }

    private static DynoSize size(String field, JsonNode s) {
        if (!s.isTextual()) {
            throw ApiError.invalid(field + ": " + s + " (expected one of: " + DynoSize.allowed() + ")");
        }
        try {
            return DynoSize.parse(s.asText());
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid(field + ": \"" + s.asText() + "\" (expected one of: " + DynoSize.allowed() + ")");
        }
    }

    private Formation apply(List<FormationEntry> entries) {
        Formation next = manager.formation();
        for (FormationEntry e : entries) {
            next = next.with(e); // throws IllegalArgumentException (422) past 100 dynos, before anything changes
        }
        return Request.await(manager.update(next));
    }
}
