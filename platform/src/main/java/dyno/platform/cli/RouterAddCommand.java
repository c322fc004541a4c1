package dyno.platform.cli;

import dyno.router.cli.BackendSpec;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code dyno router:add HOST:PORT[,weight=N]}: a new backend, in rotation at once. */
@Command(name = "router:add", description = "Add a backend to a running dyno router; it takes requests at once.")
final class RouterAddCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    RouterTarget router;
    @Parameters(paramLabel = "HOST:PORT[,weight=N]", arity = "1")
    String backend;
    @Option(names = "--name", paramLabel = "NAME", description = "Its name (default: the first free web.N).")
    String name;

    @Override
    public Integer call() {
        BackendSpec b = BackendSpec.parse(name, backend); // a bad value fails here, before the API
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("address", b.hostPort());
        body.put("weight", b.weight());
        if (name != null) {
            body.put("name", name);
        }
        var added = router.client().post("/backends", body);
        var out = spec.commandLine().getOut();
        out.println("Added " + added.path("name").asText() + " (" + added.path("address").asText() + ", weight "
                + added.path("weight").asInt() + ")");
        out.flush();
        return 0;
    }
}
