package dyno.router.log;

import static java.util.Objects.requireNonNull;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Where access lines go and how they read: {@code --access-log stdout|off|FILE} and
 * {@code --access-log-format heroku|json|clf}, checked.
 *
 * @param file the file for {@link Destination#FILE}, else null
 */
public record AccessLogSettings(Destination destination, Path file, AccessLogFormat format) {
    /** The default of each command: stdout for {@code dyno router}, the app log for {@code dyno up}. */
    public static final AccessLogSettings DEFAULT = new AccessLogSettings(Destination.DEFAULT, null, AccessLogFormat.HEROKU);

    /** Where the lines go. */
    public enum Destination {
        /** The command's own default. */
        DEFAULT,
        /** The process's standard output. */
        STDOUT,
        /** Nowhere: no line is even formatted. */
        OFF,
        /** Appended to a file. */
        FILE
    }

    public AccessLogSettings {
        requireNonNull(destination, "destination");
        requireNonNull(format, "format");
        if ((destination == Destination.FILE) != (file != null)) {
            throw new IllegalArgumentException("file: " + file + " (expected: a file exactly when the destination is FILE)");
        }
    }

    /**
     * Parses the two flags' values; null stands for a flag not given. Errors name the flag and what it takes,
     * e.g. {@code --access-log-format: 'xml' (expected: heroku, json or clf)}.
     */
    public static AccessLogSettings parse(String destination, String format) {
        AccessLogFormat f = format == null ? AccessLogFormat.HEROKU : AccessLogFormat.parse(format);
        if (destination == null) {
            return new AccessLogSettings(Destination.DEFAULT, null, f);
        }
        return switch (destination) {
            case "stdout" -> new AccessLogSettings(Destination.STDOUT, null, f);
            case "off" -> new AccessLogSettings(Destination.OFF, null, f);
            default -> new AccessLogSettings(Destination.FILE, filePath(destination), f);
        };
    }

    private static Path filePath(String value) {
        try {
            if (!value.isBlank()) {
                return Path.of(value);
            }
        } catch (InvalidPathException e) {
            // reported below
        }
        throw new IllegalArgumentException("--access-log: '" + value + "' (expected: stdout, off or a file path)");
    }

    /**
     * Opens the writer for {@link Destination#STDOUT} or {@link Destination#FILE}.
     *
     * @throws IllegalStateException with a one-line message when the file cannot be opened
     */
    public AccessLogWriter openWriter() {
        return switch (destination) {
            case STDOUT -> AccessLogWriter.stdout(format);
            case FILE -> {
                try {
                    yield AccessLogWriter.append(file, format);
                } catch (IOException e) {
                    throw new IllegalStateException("--access-log: cannot open " + file + ": " + reason(e), e);
                }
            }
            default -> throw new IllegalStateException("destination: " + destination + " (expected: STDOUT or FILE)");
        };
    }

    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        String m = e.getMessage();
        if (e instanceof FileNotFoundException && m != null && m.endsWith(")") && m.lastIndexOf(" (") >= 0) {
            return m.substring(m.lastIndexOf(" (") + 2, m.length() - 1).toLowerCase(java.util.Locale.ROOT); // "path (Is a directory)"
        }
        return m != null ? m : e.getClass().getSimpleName();
    }
}
