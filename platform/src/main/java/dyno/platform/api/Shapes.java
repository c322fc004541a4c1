package dyno.platform.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.DynoInfo;
import java.time.Instant;

/** JSON shapes of the control API, after Heroku's Platform API v3. */
final class Shapes {
    static final ObjectMapper JSON = new ObjectMapper();

    private Shapes() {
    }

    static ObjectNode formation(App app, FormationEntry e) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("app").put("name", app.name());
        n.put("type", e.type());
        n.put("quantity", e.quantity());
        n.put("size", e.size().displayName());
        n.put("command", app.procfile().require(e.type()).command());
        return n;
    }

    static ObjectNode dyno(App app, DynoInfo d) {
        ObjectNode n = JSON.createObjectNode();
        n.putObject("app").put("name", app.name());
        n.put("name", d.name());
        n.put("type", d.type());
        n.put("state", d.state().id());
        n.put("size", d.size().displayName());
        n.put("command", d.command());
        n.put("port", d.port());
        n.put("pid", d.pid());
        n.put("created_at", iso(d.createdAt()));
        n.put("updated_at", iso(d.updatedAt()));
        return n;
    }

    static ArrayNode sizes() {
        ArrayNode list = JSON.createArrayNode();
        for (DynoSize s : DynoSize.values()) {
            ObjectNode n = list.addObject();
            n.put("name", s.displayName());
            n.put("id", s.id());
            n.put("memory", s.memoryMb() / 1024.0);
            n.put("memory_mb", s.memoryMb());
        }
        return list;
    }

    static String iso(Instant t) {
        return t == null ? null : t.toString();
    }
}
