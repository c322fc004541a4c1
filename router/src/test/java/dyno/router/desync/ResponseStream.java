package dyno.router.desync;

import static dyno.router.testing.RawHttp.printable;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a client read on one connection, cut into responses the way a strict HTTP/1.1 client would
 * (RFC 9112 section 6.3): no body after HEAD, 1xx, 204 or 304; chunked when the last coding is
 * chunked; else Content-Length; else until the close. Whatever cannot be cut is {@link #rest()}.
 */
record ResponseStream(List<Response> responses, String rest) {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3,9})( [^\\r\\n]*)?");
    private static final Pattern HEADER_LINE = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+:[^\\r\\n\\x00]*");

    /** One response; {@code framing} says why a client could cut it differently, or is null. */
    record Response(int status, String head, String body, String framing) {
        boolean interim() {
            return status >= 100 && status < 200 && status != 101;
        }

        String header(String name) {
            List<String> all = headers(head, name);
            return all.isEmpty() ? null : all.get(0);
        }
    }

    /**
     * Cuts {@code raw}, read from a connection that {@code closed} or not, where the requests sent
     * had {@code methods} in order (HEAD responses have no body).
     */
    static ResponseStream parse(String raw, boolean closed, List<String> methods) {
        List<Response> out = new ArrayList<>();
        int at = 0;
        int request = 0;
        while (at < raw.length()) {
            int headEnd = raw.indexOf("\r\n\r\n", at);
            int lfEnd = raw.indexOf("\n\n", at);
            String framing = null;
            int bodyStart;
            if (headEnd >= 0 && (lfEnd < 0 || headEnd < lfEnd)) {
                bodyStart = headEnd + 4;
            } else if (lfEnd >= 0) {
                headEnd = lfEnd;
                bodyStart = lfEnd + 2;
                framing = "head ends with a bare LF";
            } else {
                break;
            }
            String head = raw.substring(at, headEnd);
            String[] lines = head.split("\r\n", -1);
            Matcher m = STATUS_LINE.matcher(lines[0]);
            if (!m.matches()) {
                break;
            }
            int status = Integer.parseInt(m.group(1).substring(0, 3));
            if (m.group(1).length() != 3) {
                framing = "status line '" + printable(lines[0]) + "'";
            }
            for (int i = 1; i < lines.length && framing == null; i++) {
                if (!HEADER_LINE.matcher(lines[i]).matches() || lines[i].indexOf('\n') >= 0 || lines[i].indexOf('\r') >= 0) {
                    framing = "header line '" + printable(lines[i]) + "'";
                }
            }
            String method = request < methods.size() ? methods.get(request) : "GET";
            List<String> cl = headers(head, "content-length");
            List<String> te = headers(head, "transfer-encoding");
            if (framing == null) {
                framing = framingProblem(lines[0].startsWith("HTTP/1.0"), status, cl, te);
            }
            int end;
            boolean noBody = method.equals("HEAD") || (status >= 100 && status < 200) || status == 204 || status == 304;
            if (noBody) {
                end = bodyStart;
            } else if (!te.isEmpty() && lastCoding(te).equals("chunked")) {
                end = chunkedEnd(raw, bodyStart);
            } else if (!te.isEmpty()) {
                end = closed ? raw.length() : -1;
            } else if (!cl.isEmpty() && cl.get(0).matches("[0-9]{1,9}")) {
                end = bodyStart + Integer.parseInt(cl.get(0));
                end = end <= raw.length() ? end : -1;
            } else if (status == 101) {
                end = bodyStart;
            } else {
                end = closed ? raw.length() : -1;
            }
            if (end < 0) {
                break;
            }
            Response r = new Response(status, head, raw.substring(bodyStart, end), framing);
            out.add(r);
            at = end;
            if (!r.interim()) {
                request++;
            }
        }
        return new ResponseStream(List.copyOf(out), raw.substring(at));
    }

    /** The final (not 1xx) responses. */
    List<Response> finals() {
        return responses.stream().filter(r -> !r.interim()).toList();
    }

    private static String framingProblem(boolean http10, int status, List<String> cl, List<String> te) {
        if (http10 && !te.isEmpty()) {
            return "Transfer-Encoding in an HTTP/1.0 response (RFC 9112 6.1: faulty framing)";
        }
        if (!cl.isEmpty() && !te.isEmpty()) {
            return "both Content-Length and Transfer-Encoding";
        }
        if (cl.size() > 1 || te.size() > 1) {
            return "repeated framing header";
        }
        if (!cl.isEmpty() && !cl.get(0).matches("[0-9]{1,18}")) {
            return "Content-Length '" + cl.get(0) + "'";
        }
        if (!te.isEmpty() && !lastCoding(te).equals("chunked")) {
            return "Transfer-Encoding '" + te.get(0) + "' not ending in chunked";
        }
        if ((status == 204 || status < 200) && (!cl.isEmpty() || !te.isEmpty())) {
            return "framing header on a " + status;
        }
        return null;
    }

    private static String lastCoding(List<String> te) {
        String v = te.get(te.size() - 1);
        return v.substring(v.lastIndexOf(',') + 1).trim().toLowerCase(Locale.ROOT);
    }

    /** The offset after the last chunk and trailers that start at {@code at}, or -1 if incomplete or bad. */
    private static int chunkedEnd(String raw, int at) {
        for (int n = 0; n < 100_000; n++) {
            int eol = raw.indexOf("\r\n", at);
            if (eol < 0) {
                return -1;
            }
            String line = raw.substring(at, eol);
            int semi = line.indexOf(';');
            String hex = (semi < 0 ? line : line.substring(0, semi)).trim();
            if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                return -1;
            }
            long size = Long.parseLong(hex, 16);
            at = eol + 2;
            if (size == 0) {
                int end = raw.indexOf("\r\n\r\n", at - 2);
                return end < 0 ? -1 : end + 4;
            }
            if (at + size + 2 > raw.length() || !raw.startsWith("\r\n", (int) (at + size))) {
                return -1;
            }
            at += (int) size + 2;
        }
        return -1;
    }

    static List<String> headers(String head, String name) {
        List<String> found = new ArrayList<>();
        String[] lines = head.split("\r\n", -1);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(name)) {
                found.add(lines[i].substring(colon + 1).trim());
            }
        }
        return found;
    }

    static String text(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }
}
