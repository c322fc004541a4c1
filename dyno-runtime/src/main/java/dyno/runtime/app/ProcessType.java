package dyno.runtime.app;

import static java.util.Objects.requireNonNull;

import java.util.regex.Pattern;

/** One Procfile entry: a process type name and the command that runs it. */
public record ProcessType(String name, String command) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");

    public ProcessType {
        requireNonNull(name, "name");
        requireNonNull(command, "command");
        if (!validName(name)) {
            throw new IllegalArgumentException("name: \"" + name + "\" (expected: [A-Za-z0-9_-]+)");
        }
        if (command.isBlank()) {
            throw new IllegalArgumentException("command: empty (expected: a shell command)");
        }
    }

    /** Whether {@code name} is a valid process type name. */
    public static boolean validName(String name) {
        return NAME.matcher(name).matches();
    }

    /** Only the {@code web} type receives HTTP traffic. */
    public boolean isWeb() {
        return "web".equals(name);
    }
}
