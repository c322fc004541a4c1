package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno router:backends}: the running router's backends, as HAProxy's {@code show servers state}. */
@Command(name = "router:backends", description = "List a running dyno router's backends: address, weight, state,"
        + " health, requests in flight and served.")
final class RouterBackendsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    RouterTarget router;
    @Option(names = "--json", description = "Print the API's JSON.")
    boolean json;

    @Override
    public Integer call() {
        JsonNode list = router.client().get("/backends");
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(list.toPrettyString());
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"NAME", "ADDRESS", "WEIGHT", "STATE", "HEALTH", "IN-FLIGHT", "REQUESTS", "ERRORS"});
            for (JsonNode b : list) {
                rows.add(new String[] {b.path("name").asText(), b.path("address").asText(), b.path("weight").asText(),
                        b.path("state").asText(), b.path("healthy").asBoolean() ? "up" : "down",
                        b.path("in_flight").asText(), b.path("requests").asText(), b.path("errors").asText()});
            }
            ConsoleTable.print(out, rows);
        }
        out.flush();
        return 0;
    }
}
