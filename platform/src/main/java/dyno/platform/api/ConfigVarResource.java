package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.release.Deployer;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * {@code /apps/{app}/config-vars}: the app's config vars. A {@code PATCH} (values to set, {@code null}
 * to unset) makes a new release at once and deploys it in the background (release phase, then a
 * rolling restart); a bad name or value is a 422 naming it, and changes nothing.
 */
final class ConfigVarResource implements Resource {
    private final Deployer deployer;

    ConfigVarResource(Deployer deployer) {
        this.deployer = requireNonNull(deployer, "deployer");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/config-vars", r -> r.json(200, vars(deployer.releases().config())));
        routes.add("PATCH", "/apps/{app}/config-vars", r -> {
            Map<String, String> changes = changes(r.body());
            if (!changes.isEmpty()) {
                deployer.change(describe(changes), changes);
            }
            r.json(200, vars(deployer.releases().config()));
        });
    }

    static ObjectNode vars(Map<String, String> config) {
        ObjectNode n = JSON.createObjectNode();
        config.forEach(n::put);
        return n;
    }

    private static Map<String, String> changes(JsonNode body) {
        Map<String, String> changes = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            if (v.isNull()) {
                changes.put(e.getKey(), null);
            } else if (v.isValueNode() && !v.isBinary()) {
                changes.put(e.getKey(), v.asText()); // Heroku takes numbers and booleans as their text
            } else {
                throw ApiError.invalid(e.getKey() + ": " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT)
                        + " (expected: a string to set it, or null to unset it)");
            }
        }
        return changes;
    }

    private static String describe(Map<String, String> changes) {
        String set = String.join(", ", changes.entrySet().stream().filter(e -> e.getValue() != null)
                .map(Map.Entry::getKey).sorted().toList());
        String unset = String.join(", ", changes.entrySet().stream().filter(e -> e.getValue() == null)
                .map(Map.Entry::getKey).sorted().toList());
        return (set.isEmpty() ? "" : "Set " + set + " config vars") + (set.isEmpty() || unset.isEmpty() ? "" : "; ")
                + (unset.isEmpty() ? "" : "Remove " + unset + " config vars");
    }
}
