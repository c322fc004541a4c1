package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;

/** {@code /apps/{app}}: the one app this daemon runs; also resolves every route's {@code {app}}. */
final class AppResource implements Resource {
    private final App app;

    AppResource(App app) {
        this.app = requireNonNull(app, "app");
    }

    @Override
    public void register(RouteTable routes) {
        routes.param("app", this::resolve);
        routes.add("GET", "/apps/{app}", r -> r.json(200, info()));
    }

    /** The app's name for its name; 404 for any other app. */
    String resolve(String nameOrId) {
        if (!nameOrId.equals(app.name())) {
            throw ApiError.notFound("no app \"" + nameOrId + "\" here (this daemon runs \"" + app.name() + "\")");
        }
        return app.name();
    }

    private ObjectNode info() {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", app.name());
        n.put("dir", app.dir().toString());
        n.set("process_types", JSON.valueToTree(app.procfile().names()));
        return n;
    }
}
