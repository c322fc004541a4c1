package dyno.router.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits what a client read from the router into responses the way a strict HTTP/1.1 client does
 * (RFC 9112 section 6): interim 1xx skipped, no body after HEAD, 204 or 304, chunked before
 * Content-Length, and a message that cannot be framed is an error, not a guess.
 */
final class ClientFraming {
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.([01]) ([0-9]{3}) [^\\r\\n]*\\r\\n");
    private static final Pattern LOOSE_STATUS_LINE = Pattern.compile("HTTP/([0-9.]+) ([0-9]+) [^\\r\\n]*\\r\\n");
    private static final Pattern CHUNK_SIZE = Pattern.compile("([0-9a-fA-F]{1,8})(;[^\\r\\n]*)?\\r\\n");

    /** One final response: where it starts and ends in the stream, its status and its body. */
    record Response(int start, int end, String version, int status, String head, String body) {
        String header(String name) {
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return line.substring(colon + 1).trim();
                }
            }
            return null;
        }
    }

    /**
     * The responses framed so far; {@code rest} is the offset of the first byte not in one;
     * {@code error} says why the bytes from there cannot be framed (null when they are merely
     * incomplete); {@code tunnel} is true after a 101, when the rest is opaque.
     */
    record Result(List<Response> responses, int rest, String error, boolean tunnel) {
        int finals() {
            return responses.size();
        }
    }

    private ClientFraming() {
    }

    /**
     * Frames {@code raw}, answers to requests with the given methods in order (a missing method
     * is GET); {@code closed} says the stream ended, which completes a body read to the close;
     * {@code upgradeAsked} says a request asked to switch protocols, without which a 101 is an error;
     * {@code malformed} says the requests may be refused as unreadable, when a 400 is framed by its
     * Content-Length even after HEAD (the router could not have known the method).
     */
    static Result frame(String raw, List<String> methods, boolean closed, boolean upgradeAsked, boolean malformed) {
        List<Response> out = new ArrayList<>();
        int at = 0;
        while (at < raw.length()) {
            Matcher m = STATUS_LINE.matcher(raw).region(at, raw.length());
            if (!m.lookingAt()) {
                return partialLine(raw, at, out);
            }
            int headEnd = raw.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                return new Result(out, at, bareLf(raw, at), false);
            }
            String version = "HTTP/1." + m.group(1);
            int status = Integer.parseInt(m.group(2));
            String head = raw.substring(at, headEnd);
            int bodyStart = headEnd + 4;
            if (status == 101) {
                if (!upgradeAsked) {
                    return new Result(out, at, "101 Switching Protocols to a request that asked for no upgrade", false);
                }
                out.add(new Response(at, bodyStart, version, status, head, ""));
                return new Result(out, bodyStart, null, true);
            }
            if (status < 200) {
                at = bodyStart; // interim response
                continue;
            }
            String method = out.size() < methods.size() ? methods.get(out.size()) : "GET";
            List<String> te = values(head, "transfer-encoding");
            List<String> cl = values(head, "content-length");
            int end;
            String body;
            if ((method.equals("HEAD") && !(malformed && status == 400)) || status == 204 || status == 304) {
                end = bodyStart;
                body = "";
            } else if (!te.isEmpty()) {
                if (version.equals("HTTP/1.0")) {
                    return new Result(out, at, "Transfer-Encoding in an HTTP/1.0 response", false);
                }
                if (!cl.isEmpty()) {
                    return new Result(out, at, "both Transfer-Encoding and Content-Length", false);
                }
                // chunked last and only once frames the body; other codings are the client's to decode
                List<String> codings = te.stream().filter(c -> !c.isEmpty()).toList();
                if (codings.isEmpty() || !codings.get(codings.size() - 1).equalsIgnoreCase("chunked")
                        || codings.stream().filter(c -> c.equalsIgnoreCase("chunked")).count() != 1) {
                    return new Result(out, at, "Transfer-Encoding " + te, false);
                }
                StringBuilder b = new StringBuilder();
                end = chunked(raw, bodyStart, b);
                if (end == -2) {
                    return new Result(out, at, "bad chunk framing", false);
                }
                body = b.toString();
            } else if (!cl.isEmpty()) {
                if (cl.stream().distinct().count() != 1 || !cl.get(0).matches("[0-9]{1,9}")) {
                    return new Result(out, at, "Content-Length " + cl, false);
                }
                int length = Integer.parseInt(cl.get(0));
                end = bodyStart + length <= raw.length() ? bodyStart + length : -1;
                body = end < 0 ? "" : raw.substring(bodyStart, end);
            } else {
                end = closed ? raw.length() : -1; // read to the close
                body = closed ? raw.substring(bodyStart) : "";
            }
            if (end < 0) {
                return new Result(out, at, null, false);
            }
            out.add(new Response(at, end, version, status, head, body));
            at = end;
        }
        return new Result(out, at, null, false);
    }

    /** Bytes that are not the start of a status line are an error unless they may still become one. */
    private static Result partialLine(String raw, int at, List<Response> out) {
        if (raw.indexOf('\n', at) < 0 && raw.length() - at < 64) {
            return new Result(out, at, null, false);
        }
        Matcher loose = LOOSE_STATUS_LINE.matcher(raw).region(at, raw.length());
        if (loose.lookingAt() && loose.group(2).length() != 3) {
            return new Result(out, at, "status code not three digits", false);
        }
        if (loose.lookingAt()) {
            return new Result(out, at, "status line with another version than HTTP/1.0 or 1.1", false);
        }
        return new Result(out, at, "not a status line", false);
    }

    private static String bareLf(String raw, int at) {
        return raw.indexOf("\n\n", at) >= 0 ? "bare LF in a response head" : null;
    }

    /** The end of a chunked body from {@code at}, the data appended to {@code body}; -1 incomplete, -2 bad. */
    private static int chunked(String raw, int at, StringBuilder body) {
        while (true) {
            Matcher m = CHUNK_SIZE.matcher(raw).region(at, raw.length());
            if (!m.lookingAt()) {
                return raw.indexOf("\r\n", at) >= 0 || raw.length() - at > 64 ? -2 : -1;
            }
            int size = Integer.parseInt(m.group(1), 16);
            at = m.end();
            if (size == 0) {
                int trailersEnd = raw.startsWith("\r\n", at) ? at : raw.indexOf("\r\n\r\n", at);
                if (trailersEnd < 0) {
                    return -1;
                }
                return trailersEnd == at ? at + 2 : trailersEnd + 4;
            }
            if (at + size + 2 > raw.length()) {
                return -1;
            }
            body.append(raw, at, at + size);
            if (!raw.startsWith("\r\n", at + size)) {
                return -2;
            }
            at += size + 2;
        }
    }

    private static List<String> values(String head, String name) {
        List<String> found = new ArrayList<>();
        String[] lines = head.split("\r\n");
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).toLowerCase(Locale.ROOT).equals(name)) {
                for (String v : lines[i].substring(colon + 1).split(",")) {
                    found.add(v.trim());
                }
            }
        }
        return found;
    }
}
