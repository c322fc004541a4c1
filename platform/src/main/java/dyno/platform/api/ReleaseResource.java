package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.App;
import dyno.runtime.release.Release;
import dyno.runtime.release.Releases;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code /apps/{app}/releases}: the app's releases, oldest first, each by version or id. */
final class ReleaseResource implements Resource {
    private static final Pattern DESC = Pattern.compile("order=desc");
    private static final Pattern MAX = Pattern.compile("max=(\\d{1,4})");
    private final App app;
    private final Releases releases;

    ReleaseResource(App app, Releases releases) {
        this.app = requireNonNull(app, "app");
        this.releases = requireNonNull(releases, "releases");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/releases", r -> {
            // Heroku pages releases by a Range header: "version ..; max=1, order=desc" (the CLI
            // takes the first as the latest). No Next-Range: everything asked for is in this page.
            String range = r.exchange().getRequestHeaders().getFirst("Range");
            List<Release> all = new ArrayList<>(releases.list());
            if (range != null && DESC.matcher(range).find()) {
                Collections.reverse(all);
            }
            Matcher max = MAX.matcher(range == null ? "" : range);
            if (max.find()) {
                all = all.subList(0, Math.min(all.size(), Math.max(1, Integer.parseInt(max.group(1)))));
            }
            ArrayNode list = JSON.createArrayNode();
            int current = releases.current().version();
            all.forEach(rel -> list.add(shape(rel, current)));
            r.json(200, list);
        });
        routes.add("GET", "/apps/{app}/releases/{release}", r -> {
            String id = r.param("release");
            Release rel = parseVersion(id).flatMap(releases::get).orElseThrow(() -> ApiError.notFound(
                    "no release \"" + id + "\" (expected a version such as 3, v3, or a release id)"));
            r.json(200, shape(rel, releases.current().version()));
        });
    }

    private static java.util.Optional<Integer> parseVersion(String id) {
        String digits = id.startsWith("v") ? id.substring(1) : id;
        if (id.startsWith(ID_PREFIX)) {
            digits = id.substring(ID_PREFIX.length());
        }
        try {
            return java.util.Optional.of(Integer.parseInt(digits));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    /** Release ids are stable per version: {@code 00000000-0000-4000-8000-00000000000N}. */
    private static final String ID_PREFIX = "00000000-0000-4000-8000-";

    static String id(int version) {
        return ID_PREFIX + String.format("%012d", version);
    }

    ObjectNode shape(Release rel, int current) {
        ObjectNode n = JSON.createObjectNode();
        n.putArray("addon_plan_names");
        ObjectNode a = n.putObject("app");
        a.put("id", Shapes.appId(app));
        a.put("name", app.name());
        n.put("created_at", rel.createdAt().toString());
        n.put("updated_at", rel.createdAt().toString());
        n.put("description", rel.description());
        n.put("status", rel.status().id());
        n.put("id", id(rel.version()));
        n.putNull("slug");
        n.put("version", rel.version());
        n.put("current", rel.version() == current);
        n.putNull("output_stream_url");
        ObjectNode user = n.putObject("user");
        user.put("email", AccountResource.EMAIL);
        user.put("id", AccountResource.ID);
        return n;
    }
}
