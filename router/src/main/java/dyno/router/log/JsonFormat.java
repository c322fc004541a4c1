package dyno.router.log;

/**
 * One JSON object per line, with the logfmt line's fields in its order and every key always present
 * ({@code null} when the logfmt line leaves the value empty or out). Times are numbers of ms. Strings
 * are escaped so that the output is plain ASCII: {@code "} and {@code \} with a backslash, other
 * characters below 0x20 and from 0x7f up as {@code \}{@code uXXXX} (the common control characters
 * as {@code \n}, {@code \r}, {@code \t}, {@code \b}, {@code \f}).
 */
final class JsonFormat {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private JsonFormat() {
    }

    static void append(AccessRecord r, StringBuilder b) {
        b.append("{\"at\":\"").append(r.at()).append('"');
        b.append(",\"code\":");
        string(b, r.code());
        b.append(",\"desc\":");
        string(b, r.desc());
        b.append(",\"method\":");
        string(b, r.method());
        b.append(",\"path\":");
        string(b, r.path());
        b.append(",\"host\":");
        string(b, r.host());
        b.append(",\"request_id\":");
        string(b, r.requestId());
        b.append(",\"fwd\":");
        string(b, r.fwd());
        b.append(",\"dyno\":");
        string(b, r.dyno());
        b.append(",\"connect\":");
        number(b, r.connectMs());
        b.append(",\"service\":");
        number(b, r.serviceMs());
        b.append(",\"status\":").append(r.status());
        b.append(",\"bytes\":");
        number(b, r.bytes());
        b.append(",\"protocol\":\"").append(r.protocol()).append("\",\"retries\":").append(r.retries()).append('}');
    }

    static void appendOverflow(long count, StringBuilder b) {
        b.append("{\"at\":\"error\",\"code\":\"L10\",\"desc\":\"Drain buffer overflow\",\"count\":").append(count)
                .append('}');
    }

    private static void number(StringBuilder b, long n) {
        if (n < 0) {
            b.append("null");
        } else {
            b.append(n);
        }
    }

    private static void string(StringBuilder b, String s) {
        if (s == null) {
            b.append("null");
            return;
        }
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]).append(HEX[(c >> 4) & 0xf])
                                .append(HEX[c & 0xf]);
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        b.append('"');
    }
}
