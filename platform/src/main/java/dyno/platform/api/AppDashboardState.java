package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.platform.metrics.DynoUsage;
import dyno.platform.metrics.Metrics;
import dyno.platform.metrics.TrafficHistory;
import dyno.runtime.app.App;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoRuntime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * What the dashboard of an app shows: its formation, dynos with CPU, memory and traffic, the traffic
 * history (with the router's queue and each dyno's share), autoscaling and its events, the log tail.
 */
final class AppDashboardState implements Supplier<ObjectNode> {
    static final int LOG_LINES = 100;

    private final App app;
    private final DynoRuntime manager;
    private final LogBuffer logs;
    private final Metrics metrics;
    private final Supplier<? extends JsonNode> autoscale;

    /** @param autoscale the autoscaling setting and its events ({@code null} answers: never set up) */
    AppDashboardState(App app, DynoRuntime manager, LogBuffer logs, Metrics metrics,
                      Supplier<? extends JsonNode> autoscale) {
        this.app = app;
        this.manager = manager;
        this.logs = logs;
        this.metrics = metrics;
        this.autoscale = autoscale;
    }

    /** Formation, dynos with memory, traffic history and the log tail: one poll's worth. */
    @Override
    public ObjectNode get() {
        Instant now = Instant.now();
        ObjectNode n = JSON.createObjectNode();
        n.put("app", app.name());
        n.put("now", now.toEpochMilli());
        ArrayNode formation = n.putArray("formation");
        manager.formation().entries().forEach(e -> formation.addObject()
                .put("type", e.type()).put("quantity", e.quantity()).put("size", e.size().displayName()));
        Map<String, DynoUsage> usage = metrics.usage().stream()
                .collect(Collectors.toMap(DynoUsage::dyno, Function.identity(), (a, b) -> b));
        Map<String, TrafficHistory.DynoTraffic> traffic = metrics.history().recent();
        ArrayNode dynos = n.putArray("dynos");
        for (DynoInfo d : manager.dynos()) {
            ObjectNode o = dynos.addObject();
            o.put("name", d.name()).put("type", d.type()).put("state", d.state().id())
                    .put("size", d.size().displayName()).put("port", d.port())
                    .put("age_seconds", d.createdAt() == null ? 0 : Duration.between(d.createdAt(), now).toSeconds());
            DynoUsage u = usage.get(d.name());
            if (u != null) {
                o.put("rss_bytes", u.residentBytes()).put("quota_bytes", u.quotaBytes());
            }
            dyno.runtime.manager.ResourceUsage r = manager.usage().get(d.name());
            if (r != null && r.cpuCores() >= 0) {
                o.put("cpu_cores", r.cpuCores()).put("cpu_limit_cores", r.cpuLimitCores());
            }
            addDynoTraffic(o, traffic.get(d.name()));
        }
        addTraffic(n, metrics.history(), logs);
        n.set("autoscale", autoscale.get());
        return n;
    }

    /** A dyno's (or backend's) requests/s and p95 over the last 10 s, when the router routes to it. */
    static void addDynoTraffic(ObjectNode o, TrafficHistory.DynoTraffic t) {
        if (t != null) {
            o.put("rps", t.requestsPerSecond()).put("p95_ms", t.p95Ms());
        }
    }

    /** The traffic series and the log tail, as every dashboard shows them. */
    static void addTraffic(ObjectNode n, TrafficHistory history, LogBuffer logs) {
        ArrayNode series = n.putArray("series");
        for (TrafficHistory.Point p : history.points()) {
            ObjectNode o = series.addObject();
            o.put("t", p.epochMillis()).put("rps", p.requestsPerSecond());
            o.put("p50", p.p50Ms()).put("p95", p.p95Ms()).put("p99", p.p99Ms());
            o.set("errors", JSON.valueToTree(p.errorsPerSecond()));
            o.put("queued", p.queued());
            ObjectNode perDyno = o.putObject("dynos");
            p.dynos().forEach((name, t) -> perDyno.putObject(name).put("rps", t.requestsPerSecond())
                    .put("p95", t.p95Ms()));
        }
        ArrayNode lines = n.putArray("logs");
        for (LogLine l : logs.tail(LOG_LINES, l -> true)) {
            lines.add(l.format());
        }
    }

}
