package dyno.router.proxy;

/**
 * Formats Heroku's router log line (logfmt). Every value a client chose is escaped: {@code path}
 * and {@code fwd} are always quoted, {@code method} and {@code host} are quoted when they hold
 * anything but token characters, so no client can add a field or a line to the log.
 */
final class AccessLine {
    private AccessLine() {
    }

    /**
     * One line; {@code connectMs}/{@code serviceMs}/{@code bytes} below 0 print empty, as Heroku does
     * when no dyno was reached; {@code retries} above 0 adds {@code retries=N}.
     */
    static String format(RouteError error, String detail, String method, String path, String host,
                         String requestId, String fwd, String dyno, long connectMs, long serviceMs, int status,
                         long bytes, int retries) {
        // Sized for the whole line up front: growing the builder copies it (and allocates) again.
        int size = 160 + method.length() + path.length() + host.length() + requestId.length() + fwd.length()
                + (dyno == null ? 0 : dyno.length()) + (error == null ? 0 : 64 + (detail == null ? 0 : detail.length()));
        StringBuilder b = new StringBuilder(size);
        if (error == null) {
            b.append("at=info");
        } else {
            b.append("at=error");
            if (error.code() != null) {
                b.append(" code=").append(error.code());
            }
            b.append(" desc=");
            quote(b, detail == null ? error.description() : error.description() + ": " + detail);
        }
        b.append(" method=");
        value(b, method);
        b.append(" path=");
        quote(b, path);
        b.append(" host=");
        value(b, host);
        b.append(" request_id=").append(requestId);
        b.append(" fwd=");
        quote(b, fwd);
        b.append(" dyno=").append(dyno == null ? "" : dyno);
        b.append(" connect=");
        if (connectMs >= 0) {
            b.append(connectMs).append("ms");
        }
        b.append(" service=");
        if (serviceMs >= 0) {
            b.append(serviceMs).append("ms");
        }
        b.append(" status=").append(status);
        b.append(" bytes=");
        if (bytes >= 0) {
            b.append(bytes);
        }
        b.append(" protocol=http");
        if (retries > 0) {
            b.append(" retries=").append(retries);
        }
        return b.toString();
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
