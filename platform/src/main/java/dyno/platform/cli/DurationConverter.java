package dyno.platform.cli;

import dyno.router.cli.RouterCommand;
import java.time.Duration;
import picocli.CommandLine;

/** Reads {@code 500ms}, {@code 60s}, {@code 30m}, {@code 1h}. */
final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return RouterCommand.parseDuration("duration", value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' (expected: a duration such as 500ms, 60s, 30m, 1h)");
        }
    }
}
