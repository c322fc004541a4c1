package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import dyno.runtime.app.App;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoRuntime;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * {@code /apps/{app}/dynos} and Heroku's formation actions on them: list; restart all, a type or
 * one dyno (rolling, each back up before the next stops); stop a dyno or a type. A stopped dyno
 * of the formation is started again, on Heroku by the platform and here by the manager, so a stop
 * is a restart; the formation's quantity stays (scale to 0 to stop for good).
 */
final class DynoResource implements Resource {
    private final App app;
    private final DynoRuntime manager;
    /** Restarts all (null), a type or a dyno, rolling; the daemon's also takes {@code .env} edits into a release first. */
    private final Function<String, CompletableFuture<Void>> restart;

    DynoResource(App app, DynoRuntime manager, Function<String, CompletableFuture<Void>> restart) {
        this.app = requireNonNull(app, "app");
        this.manager = requireNonNull(manager, "manager");
        this.restart = requireNonNull(restart, "restart");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/dynos", r -> r.json(200, list()));
        routes.add("GET", "/apps/{app}/dynos/{dyno}", r -> r.json(200, usage(dyno(r.param("dyno")))));
        routes.add("DELETE", "/apps/{app}/dynos", r -> {
            Request.await(restart.apply(null));
            r.accepted();
        });
        // Dyno also takes a process type where Heroku takes a dyno name
        routes.add("DELETE", "/apps/{app}/dynos/{dyno}", r -> restart(r, dynoOrType(r.param("dyno"))));
        routes.add("POST", "/apps/{app}/dynos/{dyno}/actions/stop", r -> restart(r, dynoOrType(r.param("dyno"))));
        // heroku ps:restart --process-type and ps:stop --process-type
        routes.add("DELETE", "/apps/{app}/formations/{type}", r -> restart(r, type(r.param("type"))));
        routes.add("POST", "/apps/{app}/formations/{type}/actions/stop", r -> restart(r, type(r.param("type"))));
    }

    private ArrayNode list() {
        ArrayNode list = JSON.createArrayNode();
        manager.dynos().forEach(d -> list.add(usage(d)));
        return list;
    }

    private com.fasterxml.jackson.databind.node.ObjectNode usage(DynoInfo d) {
        return Shapes.dyno(app, d, manager.usage().get(d.name()));
    }

    private DynoInfo dyno(String name) {
        return manager.dynos().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound("no dyno \"" + name + "\""));
    }

    private String dynoOrType(String target) {
        boolean known = app.procfile().type(target).isPresent()
                || manager.dynos().stream().anyMatch(d -> d.name().equals(target));
        if (!known) {
            throw ApiError.notFound("no dyno or process type \"" + target + "\"");
        }
        return target;
    }

    private String type(String type) {
        if (app.procfile().type(type).isEmpty()) {
            throw ApiError.notFound("no process type \"" + type + "\" (expected one of: "
                    + String.join(", ", app.procfile().names()) + ")");
        }
        return type;
    }

    /**
     * Restarts the dyno or every dyno of the type, one at a time, and answers 202 once done. A
     * one-off is not restarted but stopped: it ends, as on Heroku.
     */
    private void restart(Request r, String target) throws IOException {
        boolean oneOff = manager.dynos().stream().anyMatch(d -> d.name().equals(target) && d.oneOff());
        Request.await(oneOff ? manager.stopOneOff(target) : restart.apply(target));
        r.accepted();
    }
}
