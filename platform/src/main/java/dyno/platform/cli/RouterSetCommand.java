package dyno.platform.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * {@code dyno router:set NAME weight=N|state=ready|drain|maint}: a backend's weight or state, as
 * HAProxy's {@code set server}; {@code router:down NAME} and {@code router:up NAME} are its shorthands.
 */
@Command(name = "router:set", description = "Set a backend's weight (weight=0..256) or state (state=ready, drain or"
        + " maint) on a running dyno router.")
final class RouterSetCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    RouterTarget router;
    @Parameters(index = "0", paramLabel = "NAME")
    String name;
    @Parameters(index = "1..*", arity = "1..2", paramLabel = "weight=N|state=S")
    java.util.List<String> settings;

    @Override
    public Integer call() {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        for (String s : settings) {
            int eq = s.indexOf('=');
            String key = eq < 0 ? s : s.substring(0, eq);
            String value = eq < 0 ? "" : s.substring(eq + 1);
            switch (key) {
                case "weight" -> {
                    if (!value.matches("\\d{1,3}") || Integer.parseInt(value) > 256) {
                        throw new IllegalArgumentException("weight: '" + value + "' (expected: a whole number from 0 to 256)");
                    }
                    body.put("weight", Integer.parseInt(value));
                }
                case "state" -> body.put("state", value);
                default -> throw new IllegalArgumentException("'" + s + "' (expected: weight=N or state=ready|drain|maint)");
            }
        }
        return send(spec, router, name, body);
    }

    static int send(CommandLine.Model.CommandSpec spec, RouterTarget router, String name, Map<String, Object> body) {
        var b = router.client().patch("/backends/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                .replace("+", "%20"), body);
        var out = spec.commandLine().getOut();
        out.println(b.path("name").asText() + " (" + b.path("address").asText() + "): weight " + b.path("weight").asInt()
                + ", " + b.path("state").asText() + ", " + (b.path("healthy").asBoolean() ? "healthy" : "unhealthy"));
        out.flush();
        return 0;
    }

    /** A shorthand that sets one state: {@code router:down} and {@code router:up}. */
    abstract static class StateShorthand implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Mixin
        RouterTarget router;
        @Parameters(paramLabel = "NAME", arity = "1")
        String name;

        abstract String state();

        @Override
        public Integer call() {
            return send(spec, router, name, Map.of("state", state()));
        }
    }

    /** {@code dyno router:down NAME}: maintenance, no new requests. */
    @Command(name = "router:down", description = "Take a backend out of rotation for maintenance (state=maint).")
    static final class Down extends StateShorthand {
        @Override
        String state() {
            return "maint";
        }
    }

    /** {@code dyno router:up NAME}: back in rotation at its weight. */
    @Command(name = "router:up", description = "Put a drained or maintained backend back in rotation (state=ready).")
    static final class Up extends StateShorthand {
        @Override
        String state() {
            return "ready";
        }
    }
}
