package dyno.platform.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.release.ConfigVars;
import dyno.runtime.release.Releases;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One-off dynos: {@code POST /apps/{app}/dynos} runs a command once as {@code run.N}. Detached
 * (Heroku's {@code run:detached}), the daemon runs it, its output in the app log. Attached
 * ({@code "attach": true}, Dyno's {@code dyno run}), the caller runs it on its terminal: the answer
 * reserves the name and carries the environment to run it with ({@code env}: config vars, {@code
 * DYNO}, {@code PS}), and {@code POST /apps/{app}/dynos/{dyno}/actions/attach} with its {@code pid}
 * lists it until it ends (the process must prove it by {@code DYNO} in its environment).
 * Heroku's rendezvous attach ({@code attach_url}) is not offered.
 */
final class OneOffResource implements Resource {
    private final App app;
    private final DynoManager manager;
    private final Releases releases;

    OneOffResource(App app, DynoManager manager, Releases releases) {
        this.app = requireNonNull(app, "app");
        this.manager = requireNonNull(manager, "manager");
        this.releases = requireNonNull(releases, "releases");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("POST", "/apps/{app}/dynos", r -> {
            JsonNode body = r.body();
            String command = command(body);
            Map<String, String> env = env(body.path("env"));
            Map<String, String> config = new HashMap<>(releases.current().config());
            config.putAll(env);
            if (body.path("attach").asBoolean(false)) {
                String name = Request.await(manager.reserveOneOff("run"));
                ObjectNode n = reserved(name, command);
                ObjectNode e = n.putObject("env");
                config.forEach(e::put);
                e.put("DYNO", name);
                e.put("PS", name);
                r.json(201, n);
                return;
            }
            String name = Request.await(manager.runOnce("run", command, config, releases.current().version())).name();
            DynoInfo d = manager.dynos().stream().filter(x -> x.name().equals(name)).findFirst()
                    .orElseGet(() -> null);
            r.json(201, d != null ? Shapes.dyno(app, d) : reserved(name, command));
        });
        routes.add("POST", "/apps/{app}/dynos/{dyno}/actions/attach", r -> {
            JsonNode body = r.body();
            JsonNode pid = body.path("pid");
            if (!pid.canConvertToLong() || pid.asLong() <= 1) {
                throw ApiError.invalid("pid: " + pid + " (expected: the process id of the one-off's command)");
            }
            String command = body.path("command").asText("");
            r.json(200, Shapes.dyno(app, Request.await(manager.attachOneOff(r.param("dyno"), command, pid.asLong()))));
        });
    }

    private ObjectNode reserved(String name, String command) {
        ObjectNode n = Shapes.JSON.createObjectNode();
        n.putObject("app").put("name", app.name());
        n.put("name", name);
        n.put("type", "run");
        n.put("command", command);
        n.put("state", "starting");
        n.putNull("attach_url");
        return n;
    }

    private static String command(JsonNode body) {
        JsonNode c = body.path("command");
        if (!c.isTextual() || c.asText().isBlank()) {
            throw ApiError.invalid("command: " + c + " (expected: the command to run, a non-empty string)");
        }
        return c.asText();
    }

    private static Map<String, String> env(JsonNode env) {
        Map<String, String> out = new HashMap<>();
        if (env.isMissingNode() || env.isNull()) {
            return out;
        }
        if (!env.isObject()) {
            throw ApiError.invalid("env: expected an object of names to string values");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = env.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            try {
                ConfigVars.checkName(e.getKey());
                ConfigVars.checkValue(e.getKey(), e.getValue().asText());
            } catch (IllegalArgumentException bad) {
                throw ApiError.invalid("env." + bad.getMessage());
            }
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
