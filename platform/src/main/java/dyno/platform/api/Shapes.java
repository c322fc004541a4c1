package dyno.platform.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.ResourceUsage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * JSON shapes of the control API, after Heroku's Platform API v3: the fields Heroku's schema gives
 * each resource that Dyno can fill (ids are stable name-based UUIDs), plus Dyno's own ({@code port},
 * {@code pid}, {@code memory_mb}).
 */
final class Shapes {
    static final ObjectMapper JSON = new ObjectMapper();
    /** The one generation Dyno's apps are: Heroku's classic one, {@code web.1}-style dyno names. */
    static final String GENERATION = "cedar";

    private Shapes() {
    }

    /** A stable id for a thing named by {@code parts}: the same parts give the same UUID, across restarts. */
    static String id(String... parts) {
        return UUID.nameUUIDFromBytes(String.join("\u0000", parts).getBytes(StandardCharsets.UTF_8)).toString();
    }

    static String appId(App app) {
        return id("app", app.name(), app.dir().toString());
    }

    /** {@code {"id": ..., "name": ...}}, how Heroku refers to an app from another resource. */
    static ObjectNode appRef(App app) {
        return JSON.createObjectNode().put("id", appId(app)).put("name", app.name());
    }

    static ObjectNode formation(App app, FormationEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.set("app", appRef(app));
        n.put("id", id("formation", appId(app), e.type()));
        n.put("type", e.type());
        n.put("quantity", e.quantity());
        n.put("size", e.size().displayName());
        n.set("dyno_size", sizeRef(e.size()));
        n.put("command", app.procfile().require(e.type()).command());
        return n;
    }

    static ObjectNode dyno(App app, DynoInfo d) {
        ObjectNode n = JSON.createObjectNode();
        n.set("app", appRef(app));
        n.put("id", id("dyno", appId(app), d.name(), String.valueOf(d.createdAt())));
        n.put("name", d.name());
        n.put("type", d.type());
        n.put("state", d.state().id());
        n.put("size", d.size().displayName());
        n.put("command", d.command());
        n.putNull("attach_url");
        n.put("port", d.port());
        n.put("pid", d.pid());
        n.put("created_at", iso(d.createdAt()));
        n.put("updated_at", iso(d.updatedAt()));
        if (d.release() > 0) {
            // what heroku ps:wait compares with the latest release
            n.putObject("release").put("id", ReleaseResource.id(d.release())).put("version", d.release());
        } else {
            n.putNull("release");
        }
        n.put("one_off", d.oneOff());
        return n;
    }

    /**
     * {@code d} with what it used at the manager's last sample: {@code cpu_cores} (-1: not measured),
     * {@code cpu_seconds} (CPU time of its current process since it started, -1: not measured),
     * {@code cpu_limit_cores} (0: not limited), {@code memory_rss_bytes}, {@code memory_quota_bytes},
     * {@code limits_enforced} (by the kernel, else memory is only sampled); unchanged when not sampled.
     */
    static ObjectNode dyno(App app, DynoInfo d, ResourceUsage u) {
        ObjectNode n = dyno(app, d);
        if (u != null) {
            n.put("cpu_cores", Math.round(u.cpuCores() * 1000) / 1000.0);
            n.put("cpu_seconds", u.cpuNanos() < 0 ? -1 : u.cpuNanos() / 1e9);
            n.put("cpu_limit_cores", u.cpuLimitCores());
            n.put("memory_rss_bytes", u.residentBytes());
            n.put("memory_quota_bytes", u.quotaBytes());
            n.put("limits_enforced", u.enforced());
        }
        return n;
    }

    /** {@code {"id": "standard-1x", "name": "Standard-1X"}}, a formation's {@code dyno_size}. */
    static ObjectNode sizeRef(DynoSize s) {
        return JSON.createObjectNode().put("id", s.id()).put("name", s.displayName());
    }

    static ObjectNode size(DynoSize s) {
        ObjectNode n = sizeRef(s);
        n.put("memory", s.memoryMb() / 1024.0);
        n.put("memory_mb", s.memoryMb());
        n.put("dedicated_size", s == DynoSize.PERFORMANCE_M || s == DynoSize.PERFORMANCE_L || s == DynoSize.PX);
        n.put("private_space_only", false);
        // Heroku's "CPU share" column: 1x, 2x for shared sizes; dedicated cores for Performance ones
        n.put("cpu_share", s.cpuShare());
        n.put("dedicated_cores", s.dedicatedCores());
        n.putObject("generation").put("id", id("generation", GENERATION)).put("name", GENERATION);
        return n;
    }

    static ArrayNode sizes() {
        ArrayNode list = JSON.createArrayNode();
        for (DynoSize s : DynoSize.values()) {
            list.add(size(s));
        }
        return list;
    }

    static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
