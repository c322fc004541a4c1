package dyno.router.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A fuzz input for the dyno-to-router direction: which request the client makes and the exact
 * bytes the dyno answers it with. An input whose first byte is printable is raw: an optional first
 * line {@code #OPTS\n} (H: the request is HEAD, U: it asks for a WebSocket upgrade, C: the dyno
 * closes after answering), then the response bytes as they are. Otherwise the rest are
 * {@link Choices} that build a response from pieces: interim 1xx, status line, headers with
 * Content-Length and Transfer-Encoding combinations, a body framed well or not, extra bytes after.
 */
final class ResponseInput {
    /** The client's request to the fuzzed dyno. */
    enum Ask { GET, HEAD, UPGRADE }

    private static final String[] VERSIONS = {"HTTP/1.0", "HTTP/1.2", "HTTP/2", "http/1.1", "HTTP/1.1 "};
    private static final int[] ODD_STATUSES = {100, 101, 102, 103, 204, 304, 199, 205, 999, 0};
    private static final int[] STATUSES = {200, 200, 201, 301, 404, 500, 503};
    private static final String[] NAMES = {"Content-Type", "X-B", "Connection", "Keep-Alive", "Upgrade",
            "Sec-WebSocket-Accept", "Trailer", "Content-Length", "Transfer-Encoding", "Proxy-Connection"};
    private static final String[] VALUES = {"text/plain", "close", "keep-alive", "Upgrade", "websocket",
            "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "chunked", "0", "5", "x, y", ""};
    private static final String[] TE_VALUES = {"chunked", "CHUNKED", "gzip, chunked", "chunked, gzip", "identity",
            "xchunked", "chunked\u0000"};
    private static final String[] EXTRA = {"\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nevil\r\n0\r\n\r\n", "evil"};

    private enum Framing { LENGTH, CHUNKED, TO_CLOSE, LENGTH_SHORT, LENGTH_LONG, BOTH, TE_ODD, TWO_LENGTHS, LENGTH_LIST }

    final Ask ask;
    final boolean closeAfter;
    final byte[] response;

    private ResponseInput(Ask ask, boolean closeAfter, byte[] response) {
        this.ask = ask;
        this.closeAfter = closeAfter;
        this.response = sanitized(response);
    }

    static ResponseInput decode(byte[] input) {
        if (input.length == 0 || (input[0] & 0xff) >= 0x20) {
            return raw(input);
        }
        Choices c = new Choices(input, 1);
        Ask ask = c.pick(new Ask[] {Ask.GET, Ask.GET, Ask.HEAD, Ask.UPGRADE});
        boolean closeAfter = c.oneIn(3);
        String eol = c.oneIn(8) ? "\n" : "\r\n";
        StringBuilder head = new StringBuilder();
        if (c.oneIn(6)) {
            head.append(c.oneIn(2) ? "HTTP/1.1 100 Continue\r\n\r\n" : "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n");
        }
        String version = c.oneIn(5) ? c.pick(VERSIONS) : "HTTP/1.1";
        int status = ask == Ask.UPGRADE && !c.oneIn(4) ? 101
                : c.oneIn(4) ? ODD_STATUSES[c.pick(ODD_STATUSES.length)] : STATUSES[c.pick(STATUSES.length)];
        String reason = c.oneIn(6) ? c.text(8) : "X";
        head.append(version).append(' ').append(status).append(' ').append(reason).append(eol);
        if (status == 101) {
            head.append("Upgrade: websocket").append(eol).append("Connection: Upgrade").append(eol);
            if (!c.oneIn(3)) {
                head.append("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=").append(eol);
            }
        }
        int extra = c.pick(4);
        for (int i = 0; i < extra; i++) {
            String name = c.oneIn(6) ? c.text(8) : c.pick(NAMES);
            String value = c.oneIn(4) ? c.text(12) : c.pick(VALUES);
            head.append(name).append(c.oneIn(6) ? " : " : ": ").append(value).append(eol);
        }
        byte[] body = c.bytes(48);
        byte[] wire = body;
        switch (c.pick(Framing.values())) {
            case LENGTH -> head.append("Content-Length: ").append(body.length).append(eol);
            case CHUNKED -> {
                head.append("Transfer-Encoding: chunked").append(eol);
                wire = chunked(c, body);
            }
            case TO_CLOSE -> {
            }
            case LENGTH_SHORT -> head.append("Content-Length: ").append(Math.max(0, body.length - 1 - c.pick(4)))
                    .append(eol);
            case LENGTH_LONG -> head.append("Content-Length: ").append(body.length + 1 + c.pick(4)).append(eol);
            case BOTH -> {
                head.append("Content-Length: ").append(body.length).append(eol)
                        .append("Transfer-Encoding: chunked").append(eol);
                wire = chunked(c, body);
            }
            case TE_ODD -> {
                head.append("Transfer-Encoding: ").append(c.pick(TE_VALUES)).append(eol);
                wire = chunked(c, body);
            }
            case TWO_LENGTHS -> head.append("Content-Length: ").append(body.length).append(eol)
                    .append("Content-Length: ").append(body.length + 1).append(eol);
            case LENGTH_LIST -> head.append("Content-Length: ").append(body.length).append(", ").append(body.length)
                    .append(eol);
            default -> throw new AssertionError();
        }
        head.append(eol);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(wire);
        int after = c.pick(6);
        if (after < EXTRA.length) {
            out.writeBytes(EXTRA[after].getBytes(StandardCharsets.ISO_8859_1));
        } else if (after == EXTRA.length) {
            out.writeBytes(c.bytes(24));
        }
        return new ResponseInput(ask, closeAfter, out.toByteArray());
    }

    private static ResponseInput raw(byte[] input) {
        String text = new String(input, StandardCharsets.ISO_8859_1);
        Ask ask = Ask.GET;
        boolean closeAfter = false;
        if (text.startsWith("#") && text.indexOf('\n') > 0) {
            String opts = text.substring(1, text.indexOf('\n'));
            ask = opts.contains("U") ? Ask.UPGRADE : opts.contains("H") ? Ask.HEAD : Ask.GET;
            closeAfter = opts.contains("C");
            text = text.substring(text.indexOf('\n') + 1);
        }
        return new ResponseInput(ask, closeAfter, text.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** The body as chunks of fuzzer-chosen sizes, with odd size spellings, extensions and trailers. */
    private static byte[] chunked(Choices c, byte[] body) {
        StringBuilder b = new StringBuilder();
        String text = new String(body, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int size = Math.min(text.length() - at, 1 + c.pick(16));
            String hex = Integer.toHexString(size);
            switch (c.pick(4)) {
                case 1 -> hex = hex.toUpperCase(Locale.ROOT);
                case 2 -> hex = "00" + hex;
                case 3 -> hex = hex + ";e=1";
                default -> {
                }
            }
            b.append(hex).append("\r\n").append(text, at, at + size).append("\r\n");
            at += size;
        }
        b.append("0\r\n");
        if (c.oneIn(4)) {
            b.append("X-Trailer: t\r\n");
        }
        b.append("\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The bytes with nothing a canary or a router error page could be mistaken for. */
    private static byte[] sanitized(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        return text.replaceAll("(?i)canary", "canarx").replace("<!DOCTYPE", "<!DOCTYPX")
                .getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The request head the client sends for the fuzzed exchange. */
    String request(String id) {
        return switch (ask) {
            case GET -> "GET /fuzz/" + id + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case HEAD -> "HEAD /fuzz/" + id + " HTTP/1.1\r\nHost: x\r\n\r\n";
            case UPGRADE -> "GET /fuzz/" + id + " HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n";
        };
    }
}
