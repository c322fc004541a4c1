package dyno.router.log;

/**
 * Heroku's router line (logfmt). Every value a client chose is escaped: {@code path} and {@code fwd}
 * are always quoted, {@code method} and {@code host} are quoted when they hold anything but token
 * characters, so no client can add a field or a line to the log.
 */
final class HerokuFormat {
    private HerokuFormat() {
    }

    /** A rough size of the line, to size a builder once. */
    static int estimate(AccessRecord r) {
        return 160 + r.method().length() + r.path().length() + r.host().length() + r.requestId().length()
                + r.fwd().length() + (r.dyno() == null ? 0 : r.dyno().length())
                + (r.desc() == null ? 0 : 16 + r.desc().length());
    }

    static void append(AccessRecord r, StringBuilder b) {
        if (r.desc() == null) {
            b.append("at=info");
        } else {
            b.append("at=error");
            if (r.code() != null) {
                b.append(" code=").append(r.code());
            }
            b.append(" desc=");
            quote(b, r.desc());
        }
        b.append(" method=");
        value(b, r.method());
        b.append(" path=");
        quote(b, r.path());
        b.append(" host=");
        value(b, r.host());
        b.append(" request_id=").append(r.requestId());
        b.append(" fwd=");
        quote(b, r.fwd());
        b.append(" dyno=").append(r.dyno() == null ? "" : r.dyno());
        b.append(" connect=");
        if (r.connectMs() >= 0) {
            b.append(r.connectMs()).append("ms");
        }
        b.append(" service=");
        if (r.serviceMs() >= 0) {
            b.append(r.serviceMs()).append("ms");
        }
        b.append(" status=").append(r.status());
        b.append(" bytes=");
        if (r.bytes() >= 0) {
            b.append(r.bytes());
        }
        b.append(" protocol=").append(r.protocol());
        if (r.retries() > 0) {
            b.append(" retries=").append(r.retries());
        }
    }

    static void appendOverflow(long count, StringBuilder b) {
        b.append("at=error code=L10 desc=\"Drain buffer overflow\" count=").append(count);
    }

    /** Bare when every character is safe in logfmt (as a host or method is), else quoted. */
    private static void value(StringBuilder b, String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean safe = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '.' || c == '-' || c == '_' || c == ':' || c == '[' || c == ']' || c == '~' || c == '%';
            if (!safe) {
                quote(b, s);
                return;
            }
        }
        b.append(s);
    }

    private static void quote(StringBuilder b, String s) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\');
            }
            b.append(c < 0x20 || c == 0x7f ? ' ' : c);
        }
        b.append('"');
    }
}
