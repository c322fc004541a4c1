package dyno.platform.api;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import dyno.platform.metrics.Metrics;
import dyno.runtime.app.App;
import dyno.runtime.release.Deployer;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.manager.DynoRuntime;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The daemon's HTTP+JSON control API on 127.0.0.1, shaped like Heroku's Platform API v3, served by an
 * {@link ApiServer} (its Host/Origin and token checks, {@code /metrics} and the dashboard); bad input
 * gets 422 and changes nothing. The endpoints are {@link Resource}s in a {@link RouteTable}; more can
 * be passed to the constructor.
 */
public final class ControlApi implements AutoCloseable {
    private final ApiServer server;
    private volatile boolean closing;

    /** Listens on 127.0.0.1:{@code port} with the standard resources; see the full constructor. */
    public ControlApi(App app, DynoRuntime manager, LogBuffer logs, String token, Runnable shutdown, Metrics metrics,
                      int port, boolean metricsPublic) throws IOException {
        this(app, manager, logs, token, shutdown, metrics, port, metricsPublic, 0, null, List.of(), NullNode::getInstance);
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0 for any free port).
     *
     * @param metricsPublic whether {@code GET /metrics} is served without the token
     * @param routerPort    the router's port, for the app's {@code web_url} (0: none)
     * @param manager       where the dynos run: local processes ({@link DynoManager}) or another runtime
     * @param deployer      the app's releases, for config vars, releases, one-off dynos (local runtime only)
     *                      and restarts that pick up {@code .env} edits; null: none of those, restarts by the
     *                      manager alone
     * @param extra         resources served besides the standard ones (a method and path may be routed once)
     * @param autoscale     the dashboard's view of autoscaling (JSON null: never set up)
     */
    public ControlApi(App app, DynoRuntime manager, LogBuffer logs, String token, Runnable shutdown, Metrics metrics,
                      int port, boolean metricsPublic, int routerPort, Deployer deployer,
                      List<? extends Resource> extra, Supplier<? extends JsonNode> autoscale) throws IOException {
        requireNonNull(app, "app");
        requireNonNull(manager, "manager");
        requireNonNull(logs, "logs");
        requireNonNull(metrics, "metrics");
        requireNonNull(autoscale, "autoscale");
        Clock clock = Clock.systemUTC();
        Dashboard dashboard = new Dashboard(new AppDashboardState(app, manager, logs, metrics, autoscale), new Sessions(clock));
        Instant since = clock.instant();
        List<Resource> resources = new ArrayList<>(List.of(
                new AccountResource(since),
                new AppResource(app, manager, routerPort, since),
                new AddOnResource(),
                new CollaboratorResource(),
                new FormationResource(app, manager),
                new DynoResource(app, manager, deployer != null ? deployer::restart : manager::restart),
                new DynoSizeResource(),
                new LogResource(logs, new LogSessions(clock), () -> closing),
                new DaemonActions(shutdown, dashboard)));
        if (deployer != null) {
            resources.add(new ConfigVarResource(deployer));
            resources.add(new ReleaseResource(app, deployer.releases()));
            if (manager instanceof DynoManager local) { // one-off dynos are local processes
                resources.add(new OneOffResource(app, local, deployer.releases()));
            }
        }
        resources.addAll(extra);
        RouteTable routes = new RouteTable();
        resources.forEach(r -> r.register(routes));
        this.server = new ApiServer("control API", ".dyno/daemon.json", port, token, metrics::scrape, metricsPublic,
                dashboard, routes);
    }

    /** The port the API listens on (127.0.0.1). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        closing = true;
        server.close();
    }
}
