package dyno.runtime.app;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The process types of an app, in file order. Lines are {@code name: command}; blank lines and
 * {@code #} comments are ignored.
 */
public record Procfile(List<ProcessType> types) {
    /** The process type Heroku runs as the release phase, once per release, instead of as dynos. */
    public static final String RELEASE = "release";


    public Procfile {
        types = List.copyOf(types);
    }

    /** Reads and validates {@code file}; errors name the file and line. */
    public static Procfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file, 0, "no Procfile (expected: a file with lines like \"web: command\")");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return parse(file, lines);
    }

    /** Parses Procfile lines; {@code file} is used in error messages. */
    public static Procfile parse(Path file, List<String> lines) {
        Map<String, ProcessType> types = new LinkedHashMap<>();
        Map<String, Integer> firstLine = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new ConfigException(file, lineNo, "missing ':' in \"" + line + "\" (expected: name: command)");
            }
            String name = line.substring(0, colon).strip();
            String command = line.substring(colon + 1).strip();
            if (!ProcessType.validName(name)) {
                throw new ConfigException(file, lineNo,
                        "invalid process type name \"" + name + "\" (expected: [A-Za-z0-9_-]+)");
            }
            if (command.isEmpty()) {
                throw new ConfigException(file, lineNo, "empty command for process type \"" + name + "\"");
            }
            if (types.containsKey(name)) {
                throw new ConfigException(file, lineNo, "duplicate process type \"" + name
                        + "\" (first defined on line " + firstLine.get(name) + ")");
            }
            types.put(name, new ProcessType(name, command));
            firstLine.put(name, lineNo);
        }
        if (types.isEmpty()) {
            throw new ConfigException(file, 0, "no process types (expected: lines like \"web: command\")");
        }
        return new Procfile(new ArrayList<>(types.values()));
    }

    /** The type called {@code name}, if declared. */
    public Optional<ProcessType> type(String name) {
        return types.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** The types that dynos run, in file order: all but {@link #RELEASE}, which runs once per release. */
    public List<ProcessType> formationTypes() {
        return types.stream().filter(t -> !t.name().equals(RELEASE)).toList();
    }

    /** The release phase's command, the {@code release} type, if declared. */
    public Optional<ProcessType> releaseType() {
        return type(RELEASE);
    }

    /** The names of the types that dynos run (not {@code release}), in file order. */
    public List<String> names() {
        return formationTypes().stream().map(ProcessType::name).toList();
    }

    /** The formation type called {@code name}; fails naming the declared ones. */
    public ProcessType require(String name) {
        requireNonNull(name, "name");
        if (name.equals(RELEASE) && type(RELEASE).isPresent()) {
            throw new IllegalArgumentException("process type \"release\" is the release phase: it runs once per"
                    + " release, before the dynos start, and is not scaled (expected one of: " + String.join(", ", names()) + ")");
        }
        return formationTypes().stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown process type \"" + name + "\" (expected one of: " + String.join(", ", names()) + ")"));
    }
}
