package dyno.router.log;

import java.util.Locale;

/**
 * How an {@link AccessRecord} is written ({@code --access-log-format}): {@link #HEROKU} logfmt (the
 * default), {@link #JSON} or {@link #CLF}. Formats append to a builder the caller reuses, so the
 * writer thread formats without allocating; none adds a line break.
 */
public enum AccessLogFormat {
    /** Heroku's router line: {@code at=info method=GET path="/" ... status=200 bytes=17 protocol=http}. */
    HEROKU("heroku"),
    /** One JSON object a line with the same fields: {@code {"at":"info",...,"status":200,...}}. */
    JSON("json"),
    /** NCSA Common Log Format: {@code 127.0.0.1 - - [28/Nov/2026:13:46:26 +0000] "GET / HTTP/1.1" 200 17}. */
    CLF("clf");

    private final String id;

    AccessLogFormat(String id) {
        this.id = id;
    }

    /** The name used on the command line. */
    public String id() {
        return id;
    }

    /** Appends the line for {@code record}, without a line break. */
    public void append(AccessRecord record, StringBuilder b) {
        switch (this) {
            case HEROKU -> HerokuFormat.append(record, b);
            case JSON -> JsonFormat.append(record, b);
            case CLF -> ClfFormat.append(record, b);
        }
    }

    /** The line for {@code record}, without a line break. */
    public String format(AccessRecord record) {
        StringBuilder b = new StringBuilder(HerokuFormat.estimate(record) + (this == JSON ? 128 : 0));
        append(record, b);
        return b.toString();
    }

    /**
     * Appends the line that reports {@code count} lines dropped (Heroku's L10): logfmt
     * {@code at=error code=L10 desc="Drain buffer overflow" count=N}, or the same fields as JSON for
     * {@link #JSON}. CLF has no place for it and gets the logfmt line.
     */
    public void appendOverflow(long count, StringBuilder b) {
        if (this == JSON) {
            JsonFormat.appendOverflow(count, b);
        } else {
            HerokuFormat.appendOverflow(count, b);
        }
    }

    /** Parses {@code heroku}, {@code json} or {@code clf}, case-insensitively. */
    public static AccessLogFormat parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        for (AccessLogFormat f : values()) {
            if (f.id.equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("--access-log-format: '" + value + "' (expected: heroku, json or clf)");
    }
}
