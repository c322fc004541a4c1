package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.DynoRuntime;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /apps/{app}}: the one app this daemon runs, in Heroku's app shape (owner, region,
 * stack, generation, {@code web_url} on the router) plus Dyno's {@code dir} and
 * {@code process_types}. It also resolves every route's {@code {app}}, by name or id.
 */
final class AppResource implements Resource {
    /** Where a Dyno app runs: here, on this machine; its region and stack say so. */
    static final String LOCAL = "local";

    private final App app;
    private final DynoRuntime manager;
    private final int routerPort;
    private final Instant since;

    /**
     * @param routerPort the router's port, for {@code web_url}; 0 when unknown
     * @param since      when the daemon started, the app's {@code created_at} and {@code released_at}
     */
    AppResource(App app, DynoRuntime manager, int routerPort, Instant since) {
        this.app = requireNonNull(app, "app");
        this.manager = requireNonNull(manager, "manager");
        this.routerPort = routerPort;
        this.since = requireNonNull(since, "since");
    }

    @Override
    public void register(RouteTable routes) {
        routes.param("app", this::resolve);
        routes.add("GET", "/apps/{app}", r -> r.json(200, info()));
    }

    /** The app's name for its name or id; 404 for any other app. */
    String resolve(String nameOrId) {
        if (!nameOrId.equals(app.name()) && !nameOrId.equals(Shapes.appId(app))) {
            throw ApiError.notFound("no app \"" + nameOrId + "\" here (this daemon runs \"" + app.name() + "\")");
        }
        return app.name();
    }

    private ObjectNode info() {
        ObjectNode n = Shapes.appRef(app);
        n.set("owner", AccountResource.ref());
        n.putObject("region").put("id", Shapes.id("region", LOCAL)).put("name", LOCAL);
        n.putObject("stack").put("id", Shapes.id("stack", LOCAL)).put("name", LOCAL);
        n.putObject("build_stack").put("id", Shapes.id("stack", LOCAL)).put("name", LOCAL);
        n.putObject("generation").put("id", Shapes.id("generation", Shapes.GENERATION)).put("name", Shapes.GENERATION);
        n.put("process_tier", tier(manager.formation().entries()));
        n.put("create_status", "complete");
        n.put("maintenance", false);
        n.put("acm", false);
        n.put("web_url", routerPort > 0 ? "http://localhost:" + routerPort + "/" : null);
        n.putNull("git_url");
        n.putNull("buildpack_provided_description");
        n.putNull("archived_at");
        n.putNull("repo_size");
        n.putNull("slug_size");
        n.putNull("space");
        n.putNull("team");
        n.putNull("organization");
        n.putNull("internal_routing");
        n.put("created_at", Shapes.iso(since));
        n.put("released_at", Shapes.iso(since));
        n.put("updated_at", Shapes.iso(since));
        n.put("dir", app.dir().toString());
        n.set("process_types", JSON.valueToTree(app.procfile().names()));
        return n;
    }

    /** Heroku's tier from the sizes in use: eco or basic when all dynos are, else production. */
    private static String tier(List<FormationEntry> entries) {
        for (DynoSize cheap : List.of(DynoSize.ECO, DynoSize.BASIC)) {
            if (!entries.isEmpty() && entries.stream().allMatch(e -> e.size() == cheap)) {
                return cheap.id();
            }
        }
        return "production";
    }
}
