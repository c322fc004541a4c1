package dyno.router.desync;

import static dyno.router.testing.RawHttp.printable;

import dyno.router.testing.RecordingBackend.Event;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * What a request means. {@link #ambiguity} judges a head as the backend got it: one strict
 * HTTP/1.x reading or not. {@link #difference} compares that with what the client sent, read the
 * lenient way a proxy may (whitespace split, absolute-form cut to its path).
 */
final class RequestForm {
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    // How the target reads (obs-text, a fragment, a scheme the dyno cannot serve) is the dyno's
    // business; only what changes where the request ends or which one it is counts here.
    private static final Pattern REQUEST_LINE = Pattern.compile(TOKEN + " [\\x21-\\x7e\\x80-\\xff]+ HTTP/1\\.[01]");
    private static final Pattern HEADER_LINE =
            Pattern.compile(TOKEN + ":[ \\t]*([\\x21-\\x7e\\x80-\\xff]([\\x20-\\x7e\\x80-\\xff\\t]*[\\x21-\\x7e\\x80-\\xff])?)?[ \\t]*");

    private RequestForm() {
    }

    /** Why a head a backend read is not one unambiguous HTTP/1.x request head, or null when it is. */
    static String ambiguity(String head) {
        String[] lines = head.split("\r\n", -1);
        if (!REQUEST_LINE.matcher(lines[0]).matches()) {
            return "request line '" + printable(lines[0]) + "'";
        }
        for (int i = 1; i < lines.length; i++) {
            if (!HEADER_LINE.matcher(lines[i]).matches()) {
                return "header line '" + printable(lines[i]) + "'";
            }
        }
        for (int i = 1; i < lines.length; i++) {
            String name = lines[i].substring(0, lines[i].indexOf(':')).toLowerCase(Locale.ROOT);
            String dashed = name.replace('_', '-');
            if (!dashed.equals(name) && (dashed.equals("content-length") || dashed.equals("transfer-encoding")
                    || dashed.equals("host"))) {
                return "header '" + name + "', which a CGI-style server reads as " + dashed;
            }
        }
        List<String> hosts = ResponseStream.headers(head, "host");
        boolean http10 = lines[0].endsWith("HTTP/1.0");
        if (hosts.size() > 1 || (hosts.isEmpty() && !http10)) {
            return hosts.size() + " Host headers";
        }
        List<String> cl = ResponseStream.headers(head, "content-length");
        List<String> te = ResponseStream.headers(head, "transfer-encoding");
        if (!cl.isEmpty() && !te.isEmpty()) {
            return "both Content-Length and Transfer-Encoding";
        }
        if (cl.size() > 1 || te.size() > 1) {
            return "repeated framing header";
        }
        if (!te.isEmpty() && !te.get(0).equalsIgnoreCase("chunked")) {
            return "Transfer-Encoding '" + te.get(0) + "'";
        }
        return null;
    }

    /**
     * How the request the backend read differs from the first request in {@code sent} (method, target
     * path, body), or null when it does not or when {@code sent} has no lenient reading to compare.
     */
    static String difference(byte[] sent, Event got) {
        String s = ResponseStream.text(sent);
        int headEnd = s.indexOf("\r\n\r\n");
        int bodyStart = headEnd + 4;
        if (headEnd < 0) {
            headEnd = s.indexOf("\n\n");
            bodyStart = headEnd + 2;
        }
        if (headEnd < 0) {
            return null;
        }
        String head = s.substring(0, headEnd);
        String[] sentLine = head.split("\r?\n", 2)[0].trim().split("[ \\t\\r]+");
        String[] gotLine = got.requestLine().split(" ");
        if (sentLine.length < 2 || gotLine.length < 2) {
            return null;
        }
        if (!sentLine[0].equals(gotLine[0]) || !decode(path(sentLine[1])).equals(decode(path(gotLine[1])))) {
            return "the client sent '" + printable(sentLine[0] + " " + sentLine[1]) + "', the backend got '"
                    + printable(gotLine[0] + " " + gotLine[1]) + "'";
        }
        byte[] body = body(head, s.substring(bodyStart));
        if (body != null && !Arrays.equals(body, got.body())) {
            return "the client sent a " + body.length + "-byte body '" + printable(ResponseStream.text(body))
                    + "', the backend got " + got.body().length + " bytes '" + printable(ResponseStream.text(got.body()))
                    + "'";
        }
        return null;
    }

    /** The target with %XX escapes turned back into bytes, one char each. */
    static String decode(String target) {
        StringBuilder b = new StringBuilder(target.length());
        for (int i = 0; i < target.length(); i++) {
            char c = target.charAt(i);
            if (c == '%' && i + 2 < target.length() + 0 && target.substring(i + 1, i + 3).matches("[0-9a-fA-F]{2}")) {
                b.append((char) Integer.parseInt(target.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String path(String target) {
        if (target.matches("(?i)[a-z][a-z0-9+.-]*://.*")) {
            int slash = target.indexOf('/', target.indexOf("//") + 2);
            return slash < 0 ? "/" : target.substring(slash);
        }
        return target;
    }

    /** The body under one plain Content-Length or one plain chunked coding; null when framing is anything else. */
    private static byte[] body(String head, String rest) {
        List<String> lines = List.of(head.split("\r?\n", -1));
        String cl = null;
        String te = null;
        for (String line : lines.subList(1, lines.size())) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                if (cl != null) {
                    return null;
                }
                cl = line.substring(15).trim();
            } else if (lower.startsWith("transfer-encoding:")) {
                if (te != null) {
                    return null;
                }
                te = line.substring(18).trim();
            } else if (lower.contains("content-length") || lower.contains("transfer-encoding") || line.contains("\n")) {
                return null;
            }
        }
        if (cl != null && te != null) {
            return null;
        }
        if (te != null) {
            return te.equals("chunked") ? dechunk(rest) : null;
        }
        int n = cl == null ? 0 : cl.matches("[0-9]{1,6}") ? Integer.parseInt(cl) : -1;
        return n < 0 || n > rest.length() ? null : rest.substring(0, n).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] dechunk(String rest) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        for (int n = 0; n < 10_000; n++) {
            int eol = rest.indexOf("\r\n", at);
            if (eol < 0 || !rest.substring(at, eol).matches("[0-9a-fA-F]{1,6}")) {
                return null;
            }
            int size = Integer.parseInt(rest.substring(at, eol), 16);
            at = eol + 2;
            if (size == 0) {
                return rest.startsWith("\r\n", at) ? out.toByteArray() : null;
            }
            if (at + size + 2 > rest.length() || !rest.startsWith("\r\n", at + size)) {
                return null;
            }
            out.writeBytes(rest.substring(at, at + size).getBytes(StandardCharsets.ISO_8859_1));
            at += size + 2;
        }
        return null;
    }
}
