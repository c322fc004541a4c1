package dyno.runtime.log;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One line of an app's log stream, as Heroku prints it:
 * {@code 2026-11-28T10:31:02.123456+00:00 app[web.1]: listening}.
 *
 * @param source {@code app} for process output, {@code dyno} for manager and router events
 * @param dyno   the dyno name ({@code web.1}) or {@code router}
 */
public record LogLine(Instant time, String source, String dyno, String message) {
    /** Output of a dyno's process. */
    public static final String APP = "app";
    /** Events of the dyno manager and the router. */
    public static final String DYNO = "dyno";

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSxxx").withZone(ZoneOffset.UTC);

    public LogLine {
        requireNonNull(time, "time");
        requireNonNull(source, "source");
        requireNonNull(dyno, "dyno");
        requireNonNull(message, "message");
    }

    /** {@code app[web.1]}. */
    public String tag() {
        return source + "[" + dyno + "]";
    }

    /** The Heroku form, {@code TIMESTAMP source[dyno]: message}. */
    public String format() {
        return timestamp(time) + " " + tag() + ": " + message;
    }

    /** A time as log lines print it: {@code 2026-11-28T10:31:02.123456+00:00}. */
    public static String timestamp(Instant time) {
        return TIME.format(time);
    }
}
