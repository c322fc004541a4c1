package dyno.runtime.app;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Parses {@code .env} files: {@code NAME=value} lines, {@code #} comments, optional single or double
 * quotes around the value, optional {@code export } prefix.
 */
public final class EnvFile {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvFile() {
    }

    /** Reads {@code file}, or returns an empty map when it does not exist. */
    public static Map<String, String> readIfExists(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try {
            return parse(file, Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** Parses lines; {@code file} is used in error messages. */
    public static Map<String, String> parse(Path file, List<String> lines) {
        Map<String, String> env = new LinkedHashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            int lineNo = i + 1;
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (line.startsWith("export ")) {
                line = line.substring("export ".length()).strip();
            }
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw new ConfigException(file, lineNo, "missing '=' in \"" + line + "\" (expected: NAME=value)");
            }
            String name = line.substring(0, eq).strip();
            if (!NAME.matcher(name).matches()) {
                throw new ConfigException(file, lineNo,
                        "invalid variable name \"" + name + "\" (expected: [A-Za-z_][A-Za-z0-9_]*)");
            }
            env.put(name, value(file, lineNo, line.substring(eq + 1).strip()));
        }
        return env;
    }

    private static String value(Path file, int lineNo, String raw) {
        if (raw.isEmpty()) {
            return raw;
        }
        char first = raw.charAt(0);
        if (first == '"' || first == '\'') {
            int close = raw.indexOf(first, 1);
            if (close < 0) {
                throw new ConfigException(file, lineNo, "unterminated " + first + " quote (expected: a closing " + first + ")");
            }
            String rest = raw.substring(close + 1).strip();
            if (!rest.isEmpty() && !rest.startsWith("#")) {
                throw new ConfigException(file, lineNo, "unexpected text after the closing quote: \"" + rest + "\"");
            }
            String inner = raw.substring(1, close);
            return first == '"' ? inner.replace("\\n", "\n") : inner;
        }
        int comment = raw.indexOf(" #");
        return (comment >= 0 ? raw.substring(0, comment) : raw).strip();
    }
}
