package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dyno.runtime.app.App;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoManager;

/**
 * {@code /apps/{app}/dynos}: the running dynos; restart (all, a type or one, rolling) and stop (the
 * manager starts a stopped dyno of the formation again, as Heroku does).
 */
final class DynoResource implements Resource {
    private final App app;
    private final DynoManager manager;

    DynoResource(App app, DynoManager manager) {
        this.app = requireNonNull(app, "app");
        this.manager = requireNonNull(manager, "manager");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/dynos", r -> r.json(200, list()));
        routes.add("GET", "/apps/{app}/dynos/{dyno}", r -> r.json(200, Shapes.dyno(app, dyno(r.param("dyno")))));
        routes.add("DELETE", "/apps/{app}/dynos", r -> {
            Request.await(manager.restart(null));
            r.accepted();
        });
        routes.add("DELETE", "/apps/{app}/dynos/{dyno}", r -> restart(r, r.param("dyno")));
        routes.add("POST", "/apps/{app}/dynos/{dyno}/actions/stop", r -> restart(r, r.param("dyno")));
    }

    private ArrayNode list() {
        ArrayNode list = JSON.createArrayNode();
        manager.dynos().forEach(d -> list.add(Shapes.dyno(app, d)));
        return list;
    }

    private DynoInfo dyno(String name) {
        return manager.dynos().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound("no dyno \"" + name + "\""));
    }

    /** Restarts a dyno or every dyno of a process type, one at a time; 404 when it names neither. */
    private void restart(Request r, String target) throws java.io.IOException {
        boolean known = app.procfile().type(target).isPresent()
                || manager.dynos().stream().anyMatch(d -> d.name().equals(target));
        if (!known) {
            throw ApiError.notFound("no dyno or process type \"" + target + "\"");
        }
        Request.await(manager.restart(target));
        r.accepted();
    }
}
