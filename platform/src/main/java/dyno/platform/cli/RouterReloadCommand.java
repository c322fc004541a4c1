package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code dyno router:reload}: the router re-reads its config file, as on SIGHUP. */
@Command(name = "router:reload", description = "Make a running dyno router re-read its --config file, without"
        + " dropping a connection or a request (as kill -HUP does).")
final class RouterReloadCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    RouterTarget router;

    @Override
    public Integer call() {
        JsonNode r = router.client().post("/actions/reload", null);
        var out = spec.commandLine().getOut();
        out.println("Reloaded: settings " + list(r.path("settings")) + "; backends added " + list(r.path("added"))
                + ", changed " + list(r.path("changed")) + ", removed " + list(r.path("removed"))
                + (r.path("needs_restart").isEmpty() ? "" : "; needs a restart: " + list(r.path("needs_restart"))));
        out.flush();
        return 0;
    }

    private static String list(JsonNode array) {
        if (array.isEmpty()) {
            return "none";
        }
        StringBuilder s = new StringBuilder();
        array.forEach(n -> s.append(s.length() == 0 ? "" : ",").append(n.asText()));
        return s.toString();
    }
}
