package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno config}: the app's config vars, as {@code heroku config} prints them. */
@Command(name = "config", description = "Show the app's config vars (set with config:set, unset with config:unset).")
final class ConfigCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = {"-s", "--shell"}, description = "Print as NAME=value lines, for .env files and shells.")
    boolean shell;
    @Option(names = "--json", description = "Print as a JSON object.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        var client = app.client();
        JsonNode vars = client.get(client.appPath("/config-vars"));
        var out = spec.commandLine().getOut();
        if (json) {
            out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(vars));
        } else if (shell) {
            fields(vars).forEachRemaining(e -> out.println(e.getKey() + "=" + shellQuote(e.getValue().asText())));
        } else {
            out.println("=== " + client.daemon().app() + " Config Vars");
            out.print(aligned(vars));
        }
        out.flush();
        return 0;
    }

    /** {@code NAME:  value} lines, values aligned as Heroku's CLI aligns them. */
    static String aligned(JsonNode vars) {
        int width = 0;
        for (Iterator<String> it = vars.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        StringBuilder b = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = fields(vars); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            b.append(e.getKey()).append(':').append(" ".repeat(width - e.getKey().length() + 1))
                    .append(e.getValue().asText()).append('\n');
        }
        return b.toString();
    }

    private static Iterator<Map.Entry<String, JsonNode>> fields(JsonNode vars) {
        return vars.fields();
    }

    /** A value safe to paste into a POSIX shell or a .env file: single-quoted when it needs it. */
    static String shellQuote(String v) {
        return v.matches("[A-Za-z0-9_./:@%+,-]*") && !v.isEmpty() ? v : "'" + v.replace("'", "'\\''") + "'";
    }
}
