package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.router.ListenException;
import dyno.router.cli.RunningRouter;

/**
 * {@code dyno router}'s own actions: {@code POST /actions/reload} (re-read the config file, as SIGHUP
 * does; 422 naming the problem and nothing changed when it is bad), {@code GET /router} (its port and
 * file) and {@code POST /dashboard-logins}.
 */
final class RouterActions implements Resource {
    private final RunningRouter running;
    private final Dashboard dashboard;

    RouterActions(RunningRouter running, Dashboard dashboard) {
        this.running = requireNonNull(running, "running");
        this.dashboard = requireNonNull(dashboard, "dashboard");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/router", r -> r.json(200, JSON.createObjectNode()
                .put("port", running.router().port())
                .put("config_file", running.configFile() == null ? null : running.configFile().toString())));
        routes.add("POST", "/actions/reload", r -> {
            RunningRouter.Reload done;
            try {
                done = running.reload();
            } catch (ListenException e) {
                throw ApiError.invalid(e.messageWithHint("port", "host"));
            } catch (IllegalStateException e) {
                throw ApiError.invalid(e.getMessage());
            }
            ObjectNode n = JSON.createObjectNode().put("port", running.router().port());
            n.set("settings", JSON.valueToTree(done.settings()));
            n.set("needs_restart", JSON.valueToTree(done.needRestart()));
            n.set("added", JSON.valueToTree(done.added()));
            n.set("changed", JSON.valueToTree(done.changed()));
            n.set("removed", JSON.valueToTree(done.removed()));
            r.json(200, n);
        });
        routes.add("POST", "/dashboard-logins", r -> {
            if (!r.bearer()) {
                throw new ApiError(401, "unauthorized", "a dashboard login needs the bearer token, not a session");
            }
            r.json(201, dashboard.newLogin(r.exchange()));
        });
    }
}
