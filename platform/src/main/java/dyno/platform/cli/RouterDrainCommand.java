package dyno.platform.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dyno router:drain NAME}: no new requests to the backend; returns once those in flight ended.
 * With {@code --remove}, the backend is then forgotten.
 */
@Command(name = "router:drain", description = "Send a backend no new requests and wait until those in flight end"
        + " (HAProxy's drain state); --remove then forgets it.")
final class RouterDrainCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    RouterTarget router;
    @Parameters(paramLabel = "NAME", arity = "1")
    String name;
    @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "60s",
            description = "Longest wait for requests in flight (default: ${DEFAULT-VALUE}).")
    String timeout;
    @Option(names = "--remove", description = "Remove the backend once drained.")
    boolean remove;

    @Override
    public Integer call() {
        dyno.router.cli.RouterCommand.parseDuration("--timeout", timeout);
        var client = router.client();
        var out = spec.commandLine().getOut();
        String path = "/backends/" + URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20");
        String query = "?timeout=" + timeout;
        out.print((remove ? "Removing " : "Draining ") + name + "... ");
        out.flush();
        var b = remove ? client.delete(path + query) : client.post(path + "/actions/drain" + query, null);
        boolean drained = remove || b.path("drained").asBoolean();
        out.println(remove ? "done" : drained ? "done, 0 requests in flight"
                : "timed out with " + b.path("in_flight").asInt() + " requests in flight");
        out.flush();
        return drained ? 0 : 1;
    }
}
