package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.platform.metrics.Metrics;
import dyno.platform.metrics.TrafficHistory;
import dyno.router.cli.RunningRouter;
import dyno.runtime.log.LogBuffer;
import java.util.function.Supplier;

/** What the dashboard of {@code dyno router} shows: its backends with their traffic, the history and event lines. */
final class RouterDashboardState implements Supplier<ObjectNode> {
    private final RunningRouter running;
    private final BackendResource backends;
    private final Metrics metrics;
    private final LogBuffer logs;

    RouterDashboardState(RunningRouter running, BackendResource backends, Metrics metrics, LogBuffer logs) {
        this.running = running;
        this.backends = backends;
        this.metrics = metrics;
        this.logs = logs;
    }

    @Override
    public ObjectNode get() {
        ObjectNode n = JSON.createObjectNode();
        n.put("app", "router :" + running.router().port());
        n.put("now", System.currentTimeMillis());
        ArrayNode list = backends.list();
        java.util.Map<String, TrafficHistory.DynoTraffic> traffic = metrics.history().recent();
        list.forEach(b -> AppDashboardState.addDynoTraffic((ObjectNode) b, traffic.get(b.path("name").asText())));
        n.set("backends", list);
        AppDashboardState.addTraffic(n, metrics.history(), logs);
        return n;
    }
}
