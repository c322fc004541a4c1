package dyno.runtime.app;

import java.nio.file.Path;

/** A configuration file is malformed; the message names the file, the line and what was expected. */
public final class ConfigException extends RuntimeException {
    private final Path file;
    private final int line;

    public ConfigException(Path file, int line, String problem) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem);
        this.file = file;
        this.line = line;
    }

    /** The file at fault. */
    public Path file() {
        return file;
    }

    /** The 1-based line at fault, or 0 when the problem is the whole file. */
    public int line() {
        return line;
    }
}
