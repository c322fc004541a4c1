package dyno.router.cli;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code dyno router --config router.json}: the same settings as the flags, named as the flags without
 * their dashes, optionally grouped one level deep ({@code "health": {"path": "/health"}} is
 * {@code health-path}), and a {@code backends} list:
 * <pre>{@code
 * {
 *   "port": 5006,
 *   "balance": "least-conn",
 *   "backends": ["127.0.0.1:5001", {"name": "api.1", "address": "127.0.0.1:5002", "weight": 3}],
 *   "health": {"path": "/health", "interval": "2s", "fall": 3, "rise": 2},
 *   "request-timeout": "30s",
 *   "access-log": "stdout"
 * }
 * }</pre>
 * Every value is checked as its flag's value is; an error names the file, the setting and what it takes.
 */
public final class RouterFile {
    /** Flags that are not settings of the router, so not keys of its file. */
    private static final Set<String> NOT_SETTINGS = Set.of("config", "help", "version", "backend");
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
    private static final int MAX_BYTES = 1024 * 1024;

    private RouterFile() {
    }

    /**
     * Reads and checks {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the problem (unreadable, not JSON, an
     *                                  unknown setting, a bad value); nothing was applied
     */
    public static RouterSetup read(Path file) {
        String name = file.toString();
        JsonNode root;
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(name + ": larger than 1 MiB");
            }
            root = JSON.readTree(Files.readAllBytes(file));
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new IllegalArgumentException(name + (at == null ? "" : ": line " + at.getLineNr() + ", column "
                    + at.getColumnNr()) + ": not valid JSON (" + e.getOriginalMessage() + ")");
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": cannot read it (" + e.getMessage() + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(name + ": expected a JSON object of settings, e.g. {\"port\": 5006,"
                    + " \"backends\": [\"127.0.0.1:5001\"]}");
        }
        RouterCommand command = new RouterCommand();
        CommandLine cli = new CommandLine(command);
        List<String> args = new ArrayList<>();
        List<BackendSpec> backends = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals("backends")) {
                backends.addAll(backends(name, e.getValue()));
            } else if (e.getValue().isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> c = e.getValue().fields(); c.hasNext(); ) {
                    Map.Entry<String, JsonNode> child = c.next();
                    addSetting(name, cli, args, e.getKey() + "-" + child.getKey(), child.getValue());
                }
            } else {
                addSetting(name, cli, args, e.getKey(), e.getValue());
            }
        }
        try {
            cli.parseArgs(args.toArray(String[]::new));
            return command.setup(backends);
        } catch (CommandLine.ParameterException | IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage().replace("'--", "'").replaceFirst("^--", ""),
                    e);
        }
    }

    private static void addSetting(String file, CommandLine cli, List<String> args, String key, JsonNode value) {
        OptionSpec option = cli.getCommandSpec().findOption("--" + key);
        if (option == null || NOT_SETTINGS.contains(key)) {
            throw new IllegalArgumentException(file + ": unknown setting '" + key + "' (expected: backends or one of "
                    + String.join(", ", settings(cli)) + ")");
        }
        if (!value.isValueNode() || value.isNull()) {
            throw new IllegalArgumentException(file + ": " + key + ": expected a string or a number, got " + value);
        }
        args.add("--" + key);
        args.add(value.asText());
    }

    /** The keys a file may hold besides {@code backends}, sorted. */
    static Set<String> settings(CommandLine cli) {
        Set<String> out = new TreeSet<>();
        for (OptionSpec o : cli.getCommandSpec().options()) {
            String key = o.longestName().substring(2);
            if (!NOT_SETTINGS.contains(key) && o.longestName().startsWith("--")) {
                out.add(key);
            }
        }
        return out;
    }

    private static List<BackendSpec> backends(String file, JsonNode list) {
        if (!list.isArray()) {
            throw new IllegalArgumentException(file + ": backends: expected a list such as [\"127.0.0.1:5001\","
                    + " {\"name\": \"api.1\", \"address\": \"127.0.0.1:5002\", \"weight\": 3}]");
        }
        List<BackendSpec> out = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode b = list.get(i);
            String where = file + ": backends[" + i + "]";
            BackendSpec spec;
            try {
                if (b.isTextual()) {
                    spec = BackendSpec.parse(null, b.asText());
                } else if (b.isObject()) {
                    spec = backend(b);
                } else {
                    throw new IllegalArgumentException("expected \"HOST:PORT[,weight=N]\" or {\"address\": ...}");
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage().replaceFirst("^--backend: ", ""), e);
            }
            if (spec.name() != null && !names.add(spec.name())) {
                throw new IllegalArgumentException(where + ": name '" + spec.name() + "' is used twice");
            }
            out.add(spec);
        }
        return out;
    }

    private static BackendSpec backend(JsonNode b) {
        for (Iterator<String> f = b.fieldNames(); f.hasNext(); ) {
            String k = f.next();
            if (!Set.of("name", "address", "weight").contains(k)) {
                throw new IllegalArgumentException("unknown field '" + k + "' (expected: name, address, weight)");
            }
        }
        JsonNode address = b.path("address");
        if (!address.isTextual()) {
            throw new IllegalArgumentException("address: expected \"HOST:PORT\"");
        }
        String name = b.hasNonNull("name") ? BackendNames.check(b.get("name").asText()) : null;
        BackendSpec spec = BackendSpec.parse(name, address.asText());
        if (b.has("weight")) {
            JsonNode w = b.get("weight");
            if (!w.canConvertToInt() || !w.isIntegralNumber() || w.asInt() < 0 || w.asInt() > 256) {
                throw new IllegalArgumentException("weight: " + w + " (expected: a whole number from 0 to 256)");
            }
            spec = new BackendSpec(name, spec.address(), w.asInt());
        }
        return spec;
    }
}
