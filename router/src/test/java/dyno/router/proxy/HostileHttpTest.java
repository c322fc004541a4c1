package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RawHttp.Conversation;
import dyno.router.testing.RecordingBackend;
import dyno.router.testing.RecordingBackend.Event;
import dyno.router.testing.RecordingBackend.Kind;
import dyno.router.testing.RouterFixture;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A corpus of malformed and ambiguous requests, sent raw to a router in front of a
 * {@link RecordingBackend}. Each must be refused (400, or the connection closed) without a byte of
 * it acted on by the dyno, or be forwarded as one well-formed HTTP/1.1 request the dyno cannot
 * read differently from the router; either way a fresh connection is served afterwards.
 */
@Tag("reliability")
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HostileHttpTest {
    private static final Logger logger = LoggerFactory.getLogger(HostileHttpTest.class);

    /** What a case must come to. */
    enum Expect {
        /** 400 or a close; the dyno gets nothing of it. */
        REFUSED,
        /** Forwarded, in the well-formed form. */
        FORWARDED,
        /** Either of the above, never anything else. */
        EITHER
    }

    record Case(String name, byte[] bytes, Expect expect, int goodBefore) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static RouterFixture fx;
    private static RecordingBackend backend;
    private static final AtomicInteger total = new AtomicInteger();
    private static final AtomicInteger refused = new AtomicInteger();
    private static final AtomicInteger abortedMidBody = new AtomicInteger();
    private static final AtomicInteger forwarded = new AtomicInteger();
    private static final AtomicInteger probes = new AtomicInteger();

    @BeforeAll
    static void start() throws Exception {
        fx = new RouterFixture();
        backend = RecordingBackend.start();
        fx.router.registry().add("web.1", backend.address());
    }

    @AfterAll
    static void stop() {
        logger.info("Hostile HTTP corpus: {} of {} cases refused with 400/close ({} after part of a streamed body "
                        + "reached the dyno, which then saw its connection closed), {} forwarded normalized, "
                        + "0 forwarded ambiguously",
                refused.get(), total.get(), abortedMidBody.get(), forwarded.get());
        fx.close();
        backend.close();
    }

    private static Case refused(String name, String raw) {
        return new Case(name, raw.getBytes(StandardCharsets.ISO_8859_1), Expect.REFUSED, 0);
    }

    private static Case either(String name, String raw) {
        return new Case(name, raw.getBytes(StandardCharsets.ISO_8859_1), Expect.EITHER, 0);
    }

    private static Case forwarded(String name, String raw) {
        return new Case(name, raw.getBytes(StandardCharsets.ISO_8859_1), Expect.FORWARDED, 0);
    }

    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";

    static Stream<Case> corpus() {
        String get = "GET / HTTP/1.1\r\nHost: x\r\n";
        String post = "POST / HTTP/1.1\r\nHost: x\r\n";
        StringBuilder many = new StringBuilder(get);
        for (int i = 0; i < 1001; i++) {
            many.append("X-H").append(i).append(": v\r\n");
        }
        return Stream.of(
                // request lines
                // RFC 9112 section 3 lets a recipient split the request line on any whitespace; the
                // router does, and forwards the single-space form
                either("two spaces in the request line", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("unknown version HTTP/9.9", "GET / HTTP/9.9\r\nHost: x\r\n\r\n"),
                refused("HTTP/2.0 on an HTTP/1 connection", "GET / HTTP/2.0\r\nHost: x\r\n\r\n"),
                refused("missing version", "GET /\r\nHost: x\r\n\r\n"),
                refused("HTTP/0.9 simple request", "GET /\r\n"),
                refused("space inside the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("trailing token after the version", "GET / HTTP/1.1 x\r\nHost: x\r\n\r\n"),
                either("tabs as separators", "GET\t/\tHTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("NUL in the target", "GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("control byte in the target", "GET /\u0001 HTTP/1.1\r\nHost: x\r\n\r\n"),
                either("raw UTF-8 in the target", "GET /caf\u00c3\u00a9 HTTP/1.1\r\nHost: x\r\n\r\n"),
                either("fragment in the target", "GET /#frag HTTP/1.1\r\nHost: x\r\n\r\n"),
                either("lowercase method (a distinct method to the dyno)", "get / HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("separator in the method", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("TLS ClientHello on the plain port",
                        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003" + "\u00aa".repeat(40)),
                refused("garbage line", "\u00ff\u00fe\u0000garbage\r\n\r\n"),
                refused("absolute-form to another host", "GET http://evil.example/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                forwarded("absolute-form to the same host", "GET http://x/p?q=1 HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("absolute-form with a non-http scheme", "GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("authority-form CONNECT", "CONNECT evil.example:443 HTTP/1.1\r\nHost: evil.example:443\r\n\r\n"),
                either("asterisk-form OPTIONS", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n"),
                // header names and values
                refused("space before the colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n"),
                refused("NUL in a header value", get + "X-A: a\0b\r\n\r\n"),
                refused("bare CR in a header value", get + "X-A: a\rb\r\n\r\n"),
                refused("NUL in a header name", get + "X-\0A: b\r\n\r\n"),
                refused("header line without a colon", get + "X-No-Colon\r\n\r\n"),
                refused("empty header name", get + ": v\r\n\r\n"),
                either("bare LF line endings", "GET / HTTP/1.1\nHost: x\nX-A: b\n\n"),
                either("bare LF ending one header line", get + "X-A: a\nX-B: b\r\n\r\n"),
                either("obs-fold continuation line", get + "X-A: a\r\n b\r\n\r\n"),
                either("obs-fold on Host", "GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n"),
                refused("two Host headers, same value", get + "Host: x\r\n\r\n"),
                refused("two Host headers, different values", get + "Host: evil.example\r\n\r\n"),
                refused("Host list", "GET / HTTP/1.1\r\nHost: x, evil.example\r\n\r\n"),
                refused("Host with a path", "GET / HTTP/1.1\r\nHost: x/../admin\r\n\r\n"),
                refused("Host with userinfo", "GET / HTTP/1.1\r\nHost: user@x\r\n\r\n"),
                refused("HTTP/1.1 without Host", "GET / HTTP/1.1\r\nX-A: b\r\n\r\n"),
                refused("more than 1000 headers", many + "\r\n"),
                either("Connection naming Host", get + "Connection: Host\r\n\r\n"),
                // framing and smuggling
                refused("CL.TE", post + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG"),
                refused("TE.CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n"
                        + "5c\r\nGPOST / HTTP/1.1\r\n\r\n0\r\n\r\n"),
                refused("TE.TE, space before colon",
                        post + "Transfer-Encoding: chunked\r\nTransfer-Encoding : xchunked\r\n\r\n0\r\n\r\n"),
                refused("TE.TE, two headers", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: x\r\n\r\n0\r\n\r\n"),
                refused("TE chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                refused("TE identity, chunked", post + "Transfer-Encoding: identity, chunked\r\n\r\n0\r\n\r\n"),
                refused("TE xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                refused("TE chunked twice", post + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "0\r\n\r\n"),
                either("TE in capitals", post + "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                either("TE after a tab", post + "Transfer-Encoding:\tchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                either("TE folded into the previous header",
                        post + "X-A: y\r\n Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                either("TE with a trailing NUL-free suffix",
                        post + "Transfer-Encoding: chunked \r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                refused("TE from an HTTP/1.0 client",
                        "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n"),
                refused("two different Content-Lengths", post + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
                either("Content-Length list of equal values", post + "Content-Length: 5, 5\r\n\r\nhello"),
                refused("Content-Length with a plus sign", post + "Content-Length: +5\r\n\r\nhello"),
                refused("Content-Length in hex", post + "Content-Length: 0x5\r\n\r\nhello"),
                refused("Content-Length with a letter", post + "Content-Length: 5a\r\n\r\nhello"),
                refused("negative Content-Length", post + "Content-Length: -1\r\n\r\nhello"),
                refused("Content-Length past 2^63", post + "Content-Length: 99999999999999999999\r\n\r\nhello"),
                either("Connection naming Content-Length",
                        post + "Connection: Content-Length\r\nContent-Length: " + SMUGGLED.length() + "\r\n\r\n"
                                + SMUGGLED),
                either("Connection naming Transfer-Encoding",
                        post + "Connection: Transfer-Encoding\r\nTransfer-Encoding: chunked\r\n\r\n"
                                + Integer.toHexString(SMUGGLED.length()) + "\r\n" + SMUGGLED + "\r\n0\r\n\r\n"),
                refused("chunk size zz", post + "Transfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n"),
                refused("chunk size -1", post + "Transfer-Encoding: chunked\r\n\r\n-1\r\nhello\r\n0\r\n\r\n"),
                refused("chunk size overflowing 64 bits",
                        post + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
                refused("chunk size overflowing 32 bits to 5",
                        post + "Transfer-Encoding: chunked\r\n\r\n100000005\r\nhello\r\n0\r\n\r\n"),
                either("chunk extension with a NUL", post + "Transfer-Encoding: chunked\r\n\r\n5;a=\0\r\nhello\r\n0\r\n\r\n"),
                either("chunk extension with a bare LF",
                        post + "Transfer-Encoding: chunked\r\n\r\n5;a\nb\r\nhello\r\n0\r\n\r\n"),
                refused("chunk extension of 20000 bytes",
                        post + "Transfer-Encoding: chunked\r\n\r\n5;" + "a".repeat(20000) + "\r\nhello\r\n0\r\n\r\n"),
                either("chunk data longer than its size",
                        post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n0\r\n\r\n"),
                either("trailer smuggling a Content-Length",
                        post + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nContent-Length: 40\r\n\r\n"),
                // pipelining
                refused("bad request then a good one in one write",
                        "GET / HTTP/9.9\r\nHost: x\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("bad Host then a good request in one write",
                        "GET / HTTP/1.1\r\nHost: a b\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("CL.TE with a pipelined smuggled request",
                        post + "Content-Length: 40\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n"),
                refused("two Hosts then a good request", get + "Host: y\r\n\r\n" + get + "\r\n"),
                new Case("good request then a bad one", (get + "\r\nGET /\0 HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1), Expect.REFUSED, 1));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void isRefusedOrForwardedUnambiguously(Case c) throws Exception {
        int mark = backend.events().size();
        Conversation conv = RawHttp.converse(fx.router.port(), c.bytes(), 80, 4000);
        List<Event> seen = eventsAfter(mark, probe());

        assertThat(conv.closed() || !conv.statuses().isEmpty())
                .as("%s: neither answered nor closed: %s", c, conv).isTrue();
        List<Event> requests = new ArrayList<>();
        for (Event e : seen) {
            assertThat(e.kind()).as("%s: the dyno could not frame what it got: %s", c, e).isNotEqualTo(Kind.UNFRAMEABLE);
            if (e.kind() == Kind.REQUEST) {
                assertThat(e.ambiguity()).as("%s: forwarded as %s", c, e).isNull();
                requests.add(e);
            }
        }
        List<Integer> statuses = conv.statuses();
        long served = statuses.stream().filter(s -> s == 200).count();
        assertThat(requests).as("%s: dyno requests vs responses %s", c, conv).hasSize((int) served);
        assertThat(statuses).as("%s: %s", c, conv).allMatch(s -> s == 200 || s == 400);

        boolean wasRefused = served == c.goodBefore()
                && (statuses.size() > c.goodBefore() ? statuses.get(c.goodBefore()) == 400 : conv.closed());
        boolean wasForwarded = served > c.goodBefore();
        switch (c.expect()) {
            case REFUSED -> assertThat(wasRefused).as("%s: refused; got %s, dyno saw %s", c, conv, seen).isTrue();
            case FORWARDED -> assertThat(wasForwarded).as("%s: forwarded; got %s", c, conv).isTrue();
            case EITHER -> assertThat(wasRefused || wasForwarded).as("%s: got %s, dyno saw %s", c, conv, seen).isTrue();
            default -> throw new AssertionError(c.expect());
        }
        total.incrementAndGet();
        if (wasForwarded) {
            forwarded.incrementAndGet();
        } else {
            refused.incrementAndGet();
            if (seen.stream().anyMatch(e -> e.kind() == Kind.ABORTED)) {
                abortedMidBody.incrementAndGet();
            }
        }
        logger.debug("{}: {} -> {}; dyno saw {}", c, RawHttp.printable(new String(c.bytes(), StandardCharsets.ISO_8859_1)),
                conv, seen);
    }

    /** A good request on a new connection, which must be served; returns its path. */
    private static String probe() throws Exception {
        String path = "/__probe/" + probes.incrementAndGet();
        Conversation conv = RawHttp.converse(fx.router.port(),
                ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1),
                150, 4000);
        assertThat(conv.statuses()).as("the next good request on a new connection: %s", conv).containsExactly(200);
        return path;
    }

    /** The events since {@code mark}, leaving out the probe, once the probe was seen and closes had time to land. */
    private static List<Event> eventsAfter(int mark, String probePath) throws InterruptedException {
        Thread.sleep(20);
        List<Event> all = backend.events();
        List<Event> out = new ArrayList<>();
        for (Event e : all.subList(Math.min(mark, all.size()), all.size())) {
            if (!e.requestLine().startsWith("GET " + probePath + " ")) {
                out.add(e);
            }
        }
        return out;
    }
}
