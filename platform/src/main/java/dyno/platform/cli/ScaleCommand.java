package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.formation.ScaleChange;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code dyno ps:scale web=3 worker+1 web=2:standard-2x}. */
@Command(name = "ps:scale", description = "Scale dynos: TYPE=N, TYPE+N, TYPE-N, TYPE=N:SIZE. No argument prints the formation.")
final class ScaleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Parameters(paramLabel = "TYPE=N", arity = "0..*")
    List<String> changes = new ArrayList<>();
    @CommandLine.Option(names = "--wait", description = "Return only once every dyno is up on the latest release (ps:wait).")
    boolean await;
    @CommandLine.Option(names = "--timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --wait: give up after this long, exit 1 (default: 10m).")
    java.time.Duration timeout = java.time.Duration.ofMinutes(10);

    @Override
    public Integer call() {
        var client = app.client();
        JsonNode current = client.get(client.appPath("/formation"));
        var out = spec.commandLine().getOut();
        if (changes.isEmpty()) {
            out.println(PsFormat.formation(current));
            out.flush();
            return 0;
        }
        List<ScaleChange> parsed = ScaleChange.parseAll(changes);
        Formation next = ScaleChange.applyAll(toFormation(current), parsed);
        LinkedHashSet<String> types = new LinkedHashSet<>();
        parsed.forEach(c -> types.add(c.type()));
        List<Map<String, Object>> updates = new ArrayList<>();
        for (String type : types) {
            FormationEntry e = next.entry(type).orElseThrow();
            updates.add(Map.of("type", type, "quantity", e.quantity(), "size", e.size().id()));
        }
        out.print("Scaling dynos... ");
        out.flush();
        JsonNode result = client.patch(client.appPath("/formation"), Map.of("updates", updates));
        out.println("done, now running " + PsFormat.running(result, List.copyOf(types)) + ".");
        out.flush();
        if (await) {
            FormationWait.await(client, null, java.time.Duration.ofMillis(250), timeout, out);
        }
        return 0;
    }

    static Formation toFormation(JsonNode formation) {
        List<FormationEntry> entries = new ArrayList<>();
        for (JsonNode f : formation) {
            entries.add(new FormationEntry(f.path("type").asText(), f.path("quantity").asInt(),
                    DynoSize.parse(f.path("size").asText())));
        }
        return Formation.of(entries);
    }
}
