package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.runtime.formation.DynoSize;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno ps:type web=standard-2x}: change the size of process types (restarts their dynos). */
@Command(name = "ps:type", aliases = "ps:resize", description = "Resize process types: TYPE=SIZE.")
final class TypeCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "TYPE=SIZE", arity = "0..*")
    List<String> changes = new ArrayList<>();

    @Override
    public Integer call() {
        var client = app.client();
        var out = spec.commandLine().getOut();
        if (changes.isEmpty()) {
            out.println(PsFormat.formation(client.get(client.appPath("/formation"))));
            out.flush();
            return 0;
        }
        Map<String, String> sizes = new LinkedHashMap<>();
        for (String c : changes) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(c + ": expected TYPE=SIZE (sizes: " + DynoSize.allowed() + ")");
            }
            String size = c.substring(eq + 1);
            try {
                sizes.put(c.substring(0, eq), DynoSize.parse(size).id());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(c + ": " + e.getMessage());
            }
        }
        List<Map<String, Object>> updates = new ArrayList<>();
        sizes.forEach((type, size) -> updates.add(Map.of("type", type, "size", size)));
        out.print("Resizing dynos... ");
        out.flush();
        JsonNode result = client.patch(client.appPath("/formation"), Map.of("updates", updates));
        out.println("done, now running " + PsFormat.running(result, List.copyOf(sizes.keySet())) + ".");
        out.flush();
        return 0;
    }
}
