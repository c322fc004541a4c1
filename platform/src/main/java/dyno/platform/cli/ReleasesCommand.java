package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.ApiClient;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno releases}: the app's releases, newest first, as {@code heroku releases} prints them. */
@Command(name = "releases", description = "List the app's releases, newest first.")
final class ReleasesCommand implements Callable<Integer> {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss xx").withZone(ZoneOffset.UTC);
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = {"-n", "--num"}, paramLabel = "N", description = "How many to list (default: ${DEFAULT-VALUE}).")
    int num = 15;

    @Override
    public Integer call() {
        var client = app.client();
        JsonNode list = client.get(client.appPath("/releases"));
        List<JsonNode> newestFirst = new ArrayList<>();
        list.forEach(r -> newestFirst.add(0, r));
        var out = spec.commandLine().getOut();
        JsonNode current = newestFirst.stream().filter(r -> r.path("current").asBoolean()).findFirst().orElse(null);
        out.println("=== " + client.daemon().app() + " Releases" + (current == null ? "" : " - Current: v" + current.path("version").asInt()));
        for (JsonNode r : newestFirst.subList(0, Math.min(Math.max(num, 0), newestFirst.size()))) {
            String status = r.path("status").asText();
            out.println(String.format("v%-4d %-50s %s  %s", r.path("version").asInt(),
                    r.path("description").asText() + (status.equals("succeeded") ? "" : " (" + status + ")"),
                    r.path("user").path("email").asText(), WHEN.format(Instant.parse(r.path("created_at").asText()))));
        }
        out.flush();
        return 0;
    }

    /** The latest release (the API lists them oldest first). */
    static JsonNode latest(ApiClient client) {
        JsonNode list = client.get(client.appPath("/releases"));
        return list.get(list.size() - 1);
    }
}
