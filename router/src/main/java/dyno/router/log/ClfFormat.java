package dyno.router.log;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * NCSA Common Log Format, Apache's {@code %h %l %u %t "%r" %>s %b}:
 * {@code 127.0.0.1 - - [28/Nov/2026:13:46:26 +0000] "GET /hello HTTP/1.1" 200 17}. {@code %h} is the
 * address the router saw (the last {@code X-Forwarded-For} entry), {@code %t} the end of the exchange
 * in the JVM's time zone, {@code %b} the body bytes or {@code -} when no dyno was reached. In the
 * address and the request line, {@code "} and {@code \} are backslash-escaped and every byte below
 * 0x20, 0x7f and above is written {@code \xhh} (of its UTF-8 encoding), as Apache does.
 */
final class ClfFormat {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** The last second formatted: one {@code %t} per second is formatted, whichever thread asks. */
    private static volatile Stamp last = new Stamp(Long.MIN_VALUE, ZoneId.systemDefault(), "");

    private record Stamp(long second, ZoneId zone, String text) {
    }

    private ClfFormat() {
    }

    static void append(AccessRecord r, StringBuilder b) {
        String fwd = r.fwd();
        int from = fwd.lastIndexOf(',') + 1;
        while (from < fwd.length() && fwd.charAt(from) == ' ') {
            from++;
        }
        if (from == fwd.length()) {
            b.append('-');
        } else {
            escape(b, fwd, from, true);
        }
        b.append(" - - [").append(time(r.epochMillis())).append("] \"");
        escape(b, r.method(), 0, false);
        b.append(' ');
        escape(b, r.path(), 0, false);
        b.append(' ').append(r.httpVersion()).append("\" ").append(r.status()).append(' ');
        if (r.bytes() >= 0) {
            b.append(r.bytes());
        } else {
            b.append('-');
        }
    }

    private static String time(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Stamp s = last;
        if (s.second() != second) {
            s = new Stamp(second, s.zone(), TIME.format(Instant.ofEpochSecond(second).atZone(s.zone())));
            last = s;
        }
        return s.text();
    }

    /** Appends {@code s} from {@code from}; {@code noSpace} also escapes spaces (a field of its own). */
    private static void escape(StringBuilder b, String s, int from, boolean noSpace) {
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || (noSpace && c == ' ')) {
                hex(b, c);
            } else if (c > 0x7f) {
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                for (byte x : s.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                    hex(b, x & 0xff);
                }
                i = end - 1;
            } else {
                b.append(c);
            }
        }
    }

    private static void hex(StringBuilder b, int x) {
        b.append("\\x").append(HEX[x >> 4]).append(HEX[x & 0xf]);
    }
}
