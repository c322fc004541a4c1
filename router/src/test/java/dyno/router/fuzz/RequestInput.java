package dyno.router.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A fuzz input for the client-to-router direction, decoded into the bytes a client sends and what
 * each request in them means. An input whose first byte is printable is sent as it is (raw mode:
 * seed files are plain HTTP). Otherwise the rest are {@link Choices} that build one or two requests
 * from pieces: method, target, version, separators, headers with hostile names, values and folds,
 * Content-Length and Transfer-Encoding combinations, chunked bodies with odd sizes, extensions and
 * trailers, and trailing junk.
 */
final class RequestInput {
    /**
     * What a request means by RFC 9112: its method, target and body. {@code exact} is true when
     * nothing in it lets a reader frame it another way, so that a forwarded copy must carry the same
     * method, (normalised) target and body.
     */
    record Meant(String method, String target, byte[] body, boolean exact) {
    }

    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final String[] METHODS = {"GET", "POST", "PUT", "HEAD", "DELETE", "OPTIONS", "PATCH", "get",
            "G\u0000T"};
    private static final String[] TARGETS = {"/", "/a?b=c", "/p/caf\u00e9", "http://x/abs?q", "*", "/%2e%2e/x",
            "/a#frag", "/ /", "x"};
    private static final String[] VERSIONS = {"HTTP/1.1", "HTTP/1.0", "HTTP/1.2", "HTTP/2.0", "http/1.1", ""};
    private static final String[] SPACES = {" ", " ", " ", "  ", "\t", "\u000b"};
    private static final String[] EOLS = {"\r\n", "\r\n", "\r\n", "\n", "\r"};
    private static final String[] NAMES = {"X-A", "Connection", "Sec-WebSocket-Key1", "Sec-WebSocket-Key2", "Upgrade",
            "Expect", "Trailer", "TE", "Keep-Alive", "Content-Type", "Transfer-Encoding", "Content-Length", "Host"};
    private static final String[] VALUES = {"v", "close", "keep-alive", "Upgrade", "websocket", "100-continue",
            "chunked", "0", "4 @1  46%04 0", "x, y", ""};
    private static final String[] COLONS = {": ", ": ", ":", " : ", ":\t", ": \u0000"};
    private static final String[] TE_VALUES = {"chunked", "chunked", "CHUNKED", " chunked ", "chunked, identity",
            "identity, chunked", "xchunked", "chunked\u0000"};

    private enum Framing { NONE, LENGTH, CHUNKED, LENGTH_OFF_BY_ONE, LENGTH_ODD, BOTH, TE_ODD, TWO_LENGTHS }

    final byte[] bytes;
    final List<Meant> meant;
    /** Bytes of junk after the last meant request (they may happen to form another request). */
    final int junk;

    private RequestInput(byte[] bytes, List<Meant> meant, int junk) {
        this.bytes = bytes;
        this.meant = meant;
        this.junk = junk;
    }

    static RequestInput decode(byte[] input) {
        if (input.length == 0 || (input[0] & 0xff) >= 0x20) {
            return new RequestInput(input, List.of(), 0);
        }
        Choices c = new Choices(input, 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<Meant> meant = new ArrayList<>();
        int count = c.oneIn(3) ? 2 : 1;
        boolean framedSoFar = true;
        for (int i = 0; i < count; i++) {
            Meant m = request(c, out);
            // where an earlier request may be framed two ways, so may everything after it
            meant.add(framedSoFar ? m : new Meant(m.method(), m.target(), m.body(), false));
            framedSoFar &= m.exact();
        }
        byte[] junk = c.oneIn(4) ? c.bytes(24) : new byte[0];
        out.writeBytes(junk);
        return new RequestInput(out.toByteArray(), meant, junk.length);
    }

    private static Meant request(Choices c, ByteArrayOutputStream out) {
        boolean exact = true;
        String method = c.oneIn(8) ? c.text(6) : c.pick(METHODS);
        String target = c.oneIn(8) ? "/" + c.text(12) : c.pick(TARGETS);
        exact &= method.matches(TOKEN) && target.chars().noneMatch(ch -> ch <= 0x20 || ch == 0x7f);
        int sep = c.pick(8);
        String space1 = sep == 7 ? c.pick(SPACES) : " ";
        String space2 = sep == 6 ? c.pick(SPACES) : " ";
        String version = c.oneIn(6) ? c.pick(VERSIONS) : "HTTP/1.1";
        String eol = c.oneIn(6) ? c.pick(EOLS) : "\r\n";
        exact &= sep < 6 && eol.equals("\r\n") && (version.equals("HTTP/1.1") || version.equals("HTTP/1.0"));
        StringBuilder head = new StringBuilder(method + space1 + target + space2 + version + eol);
        int host = c.pick(6);
        if (host < 4) {
            head.append("Host: x").append(eol);
        } else if (host == 4) {
            head.append("Host: ").append(c.text(8)).append(eol);
            exact = false;
        }
        int extra = c.pick(4);
        for (int h = 0; h < extra; h++) {
            String name = c.oneIn(6) ? c.text(8) : c.pick(NAMES);
            String value = c.oneIn(4) ? c.text(12) : c.pick(VALUES);
            String colon = c.oneIn(4) ? c.pick(COLONS) : ": ";
            head.append(name).append(colon).append(value).append(eol);
            if (c.oneIn(8)) {
                head.append(' ').append(c.pick(VALUES)).append(eol); // obs-fold
                exact = false;
            }
            exact &= colon.equals(": ") && isPlain(name, value) && !name.equalsIgnoreCase("Transfer-Encoding")
                    && !name.equalsIgnoreCase("Content-Length") && !name.equalsIgnoreCase("Host")
                    && !name.equalsIgnoreCase("Connection") && !name.equalsIgnoreCase("Upgrade")
                    && !name.equalsIgnoreCase("Expect");
        }
        byte[] body = c.bytes(40);
        Framing framing = c.pick(Framing.values());
        byte[] wire = body;
        switch (framing) {
            case NONE -> {
                wire = new byte[0];
                body = new byte[0];
            }
            case LENGTH -> head.append("Content-Length: ").append(body.length).append(eol);
            case CHUNKED -> {
                head.append("Transfer-Encoding: chunked").append(eol);
                wire = chunked(c, body, eol);
            }
            case LENGTH_OFF_BY_ONE -> {
                head.append("Content-Length: ").append(body.length + (c.oneIn(2) ? 1 : -1)).append(eol);
                exact = false;
            }
            case LENGTH_ODD -> {
                head.append("Content-Length: ").append(c.pick(new String[] {"+", "0", " ", "0x", "-"}))
                        .append(body.length).append(eol);
                exact = false;
            }
            case BOTH -> {
                head.append("Content-Length: ").append(body.length).append(eol)
                        .append("Transfer-Encoding: chunked").append(eol);
                wire = chunked(c, body, eol);
                exact = false;
            }
            case TE_ODD -> {
                head.append("Transfer-Encoding: ").append(c.pick(TE_VALUES)).append(eol);
                wire = chunked(c, body, eol);
                exact = false;
            }
            case TWO_LENGTHS -> {
                head.append("Content-Length: ").append(body.length).append(eol)
                        .append("Content-Length: ").append(body.length + c.pick(2)).append(eol);
                exact = false;
            }
            default -> throw new AssertionError(framing);
        }
        head.append(eol);
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(wire);
        return new Meant(method, target, body, exact);
    }

    /** The body as chunks of fuzzer-chosen sizes, size lines in odd but valid spellings, maybe trailers. */
    private static byte[] chunked(Choices c, byte[] body, String eol) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = 0;
        while (at < body.length) {
            int size = Math.min(body.length - at, 1 + c.pick(16));
            String hex = Integer.toHexString(size);
            switch (c.pick(5)) {
                case 1 -> hex = hex.toUpperCase(java.util.Locale.ROOT);
                case 2 -> hex = "000" + hex;
                case 3 -> hex = hex + ";ext=" + c.pick(VALUES);
                case 4 -> hex = hex + c.pick(new String[] {" ;e", "; e=\"q\"", ";", "\t"});
                default -> {
                }
            }
            out.writeBytes((hex + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.write(body, at, size);
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            at += size;
        }
        out.writeBytes("0\r\n".getBytes(StandardCharsets.ISO_8859_1));
        if (c.oneIn(4)) {
            out.writeBytes(("X-Trailer: " + c.pick(VALUES) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        out.writeBytes(eol.equals("\n") && c.oneIn(2) ? new byte[] {'\n'} : new byte[] {'\r', '\n'});
        return out.toByteArray();
    }

    /** A token name and a value of visible characters and inner spaces. */
    private static boolean isPlain(String name, String value) {
        return name.matches(TOKEN) && value.matches("([\\x21-\\x7e]([\\x20-\\x7e]*[\\x21-\\x7e])?)?");
    }

    /**
     * The target the dyno must see for a request meant with {@code target}: origin-form from
     * absolute-form, bytes above 0x7E percent-encoded, as the router documents.
     */
    static String forwardedTarget(String target) {
        String t = target;
        if (t.regionMatches(true, 0, "http://", 0, 7)) {
            int slash = t.indexOf('/', 7);
            int query = t.indexOf('?', 7);
            int end = slash < 0 ? (query < 0 ? t.length() : query) : (query < 0 ? slash : Math.min(slash, query));
            t = t.substring(end);
            t = t.startsWith("/") ? t : "/" + t;
        }
        StringBuilder b = new StringBuilder();
        for (char ch : t.toCharArray()) {
            if (ch > 0x7e) {
                b.append('%').append(String.format("%02X", (int) ch));
            } else {
                b.append(ch);
            }
        }
        return b.toString();
    }
}
