package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

/**
 * Dyno's own actions, not Heroku's: {@code POST /apps/{app}/actions/shutdown} (what {@code dyno down}
 * sends) and {@code POST /dashboard-logins} (what {@code dyno dashboard} asks for).
 */
final class DaemonActions implements Resource {
    private final Runnable shutdown;
    private final Dashboard dashboard;

    DaemonActions(Runnable shutdown, Dashboard dashboard) {
        this.shutdown = requireNonNull(shutdown, "shutdown");
        this.dashboard = requireNonNull(dashboard, "dashboard");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("POST", "/apps/{app}/actions/shutdown", r -> {
            r.json(202, JSON.createObjectNode().put("message", "stopping"));
            new Thread(shutdown, "dyno-shutdown").start();
        });
        routes.add("POST", "/dashboard-logins", r -> {
            if (!r.bearer()) {
                throw new ApiError(401, "unauthorized", "a dashboard login needs the bearer token, not a session");
            }
            r.json(201, dashboard.newLogin(r.exchange()));
        });
    }
}
