package dyno.platform.api;

import dyno.platform.metrics.Metrics;
import dyno.router.cli.RunningRouter;
import dyno.runtime.log.LogBuffer;
import java.io.IOException;
import java.time.Clock;
import java.util.List;

/**
 * The runtime API of {@code dyno router} on 127.0.0.1, with the same guards, error shapes,
 * {@code /metrics} and dashboard as an app's control API (an {@link ApiServer}): {@code /backends}
 * ({@link BackendResource}), {@code POST /actions/reload}, {@code GET /router}.
 */
public final class RouterApi implements AutoCloseable {
    private final ApiServer server;

    /**
     * Listens on 127.0.0.1:{@code port} (0: any free port).
     *
     * @param logs          the router's event lines, for the dashboard
     * @param tokenFile     where callers find the token, for the 401 message
     * @param metricsPublic whether {@code GET /metrics} is served without the token
     */
    public RouterApi(RunningRouter running, Metrics metrics, LogBuffer logs, String token, String tokenFile, int port,
                     boolean metricsPublic) throws IOException {
        BackendResource backends = new BackendResource(running, metrics.router());
        Dashboard dashboard = new Dashboard(new RouterDashboardState(running, backends, metrics, logs),
                new Sessions(Clock.systemUTC()));
        RouteTable routes = new RouteTable();
        List.of(backends, new RouterActions(running, dashboard)).forEach(r -> r.register(routes));
        this.server = new ApiServer("runtime API", tokenFile, port, token, metrics::scrape, metricsPublic, dashboard,
                routes);
    }

    /** The port the API listens on (127.0.0.1). */
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }
}
