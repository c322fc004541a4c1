package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.ScriptedDyno;
import dyno.router.testing.ScriptedDyno.Part;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A dyno that sends more than one response's worth of bytes, or a body where none is allowed, must
 * not reach any other exchange: not the next client on another connection (the dyno connection
 * would be pooled), not a request pipelined on the same connection. One event loop, so that the
 * second client really is offered the connection the first one used.
 */
@ExtendWith(LeakCheckExtension.class)
class DynoResponseSafetyTest {
    private static final String EVIL = "HTTP/1.1 302 Found\r\nLocation: http://evil.example/\r\nContent-Length: 0\r\n\r\n";
    private static final Map<String, List<Part>> SCRIPT = Map.ofEntries(
            Map.entry("GET /extra", List.of(Part.of(ScriptedDyno.ok("first") + EVIL))),
            Map.entry("GET /extra-late", List.of(Part.of(ScriptedDyno.ok("first")), Part.later(150, EVIL))),
            Map.entry("GET /partial", List.of(Part.of(ScriptedDyno.ok("first")
                    + "HTTP/1.1 302 Found\r\nLocation: http://evil.example/\r\n"))),
            Map.entry("HEAD /head-body", List.of(Part.of("HTTP/1.1 200 OK\r\nContent-Length: " + EVIL.length()
                    + "\r\n\r\n" + EVIL))),
            Map.entry("GET /204-body", List.of(Part.of("HTTP/1.1 204 No Content\r\n\r\n" + EVIL))),
            Map.entry("GET /304-body", List.of(Part.of("HTTP/1.1 304 Not Modified\r\nContent-Length: 3\r\n\r\n" + EVIL))),
            Map.entry("GET /100-body", List.of(Part.of("HTTP/1.1 100 Continue\r\nContent-Length: 3\r\n\r\nabc"
                    + ScriptedDyno.ok("first")))),
            Map.entry("GET /cl-and-te", List.of(Part.of("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked"
                    + "\r\n\r\n0\r\n\r\n" + EVIL))),
            Map.entry("GET /te-gzip", List.of(Part.of("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n" + EVIL))),
            Map.entry("GET /switch", List.of(Part.of("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                    + "Connection: upgrade\r\n\r\n" + EVIL))),
            Map.entry("GET /continue", List.of(Part.of("HTTP/1.1 100 Continue\r\n\r\n"
                    + "HTTP/1.1 103 Early Hints\r\nLink: </s.css>; rel=preload\r\n\r\n" + ScriptedDyno.ok("final")))),
            Map.entry("early POST /upload", List.of(Part.closing("HTTP/1.1 413 Payload Too Large\r\n"
                    + "Content-Length: 0\r\n\r\n"))),
            Map.entry("GET /http10", List.of(Part.closing("HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nold"))),
            Map.entry("GET /big-head", List.of(Part.of("HTTP/1.1 200 OK\r\nX-Big: " + "b".repeat(70 * 1024)
                    + "\r\nContent-Length: 2\r\n\r\nok"))));

    private static ScriptedDyno dyno;
    private static RouterFixture fx;

    @BeforeAll
    static void start() throws Exception {
        dyno = ScriptedDyno.start(SCRIPT::get);
        fx = new RouterFixture(b -> b.threads(1));
        fx.router.registry().add("web.1", dyno.address());
    }

    @AfterAll
    static void stop() {
        fx.close();
        dyno.close();
    }

    private static RawHttp.Conversation send(String raw) throws Exception {
        return RawHttp.converse(fx.router.port(), raw.getBytes(StandardCharsets.ISO_8859_1), 300, 5000);
    }

    private static String request(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: app\r\n\r\n";
    }

    /** The last request of a conversation: the router closes after answering it. */
    private static String last(String method, String path) {
        return method + " " + path + " HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n";
    }

    /** The next client, on a new connection, gets its own response. */
    private static void assertNextClientGetsItsOwn(String path) throws Exception {
        RawHttp.Conversation next = send(last("GET", "/canary-" + path.substring(1)));
        assertThat(next.raw()).as("next client after %s", path)
                .startsWith("HTTP/1.1 200").endsWith("\r\n\r\n/canary-" + path.substring(1)).doesNotContain("evil");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/extra", "/partial", "/204-body", "/304-body", "/cl-and-te", "/te-gzip"})
    void bytesAfterAResponseReachNoOtherClient(String path) throws Exception {
        RawHttp.Conversation first = send(last("GET", path));
        assertThat(first.raw()).doesNotContain("evil");
        assertNextClientGetsItsOwn(path);
    }

    @Test
    void bytesArrivingLaterOnAnIdlePooledConnectionCloseIt() throws Exception {
        RawHttp.Conversation first = send(last("GET", "/extra-late"));
        assertThat(first.raw()).startsWith("HTTP/1.1 200").endsWith("first");
        Thread.sleep(1000); // the extra response arrives 150 ms after the first, while pooled
        assertNextClientGetsItsOwn("/extra-late");
    }

    @Test
    void aHeadResponseWithABodyIsAnsweredWithoutIt() throws Exception {
        RawHttp.Conversation first = send(last("HEAD", "/head-body"));
        assertThat(first.raw()).startsWith("HTTP/1.1 200").endsWith("\r\n\r\n");
        assertNextClientGetsItsOwn("/head-body");
    }

    @ParameterizedTest
    @ValueSource(strings = {"/extra", "/partial", "/head-body", "/204-body", "/100-body", "/cl-and-te"})
    void aPipelinedRequestGetsItsOwnResponse(String path) throws Exception {
        String method = path.equals("/head-body") ? "HEAD" : "GET";
        RawHttp.Conversation c = send(request(method, path) + last("GET", "/pipelined"));
        assertThat(c.raw()).doesNotContain("evil");
        assertThat(c.raw()).endsWith("\r\n\r\n/pipelined");
    }

    @Test
    void aResponseWithContentLengthAndChunkedIsA502() throws Exception {
        RawHttp.Conversation c = send(request("GET", "/cl-and-te"));
        assertThat(c.raw()).startsWith("HTTP/1.1 502");
        assertThat(fx.lastLineFor("/cl-and-te")).contains("code=H17").contains("status=502");
    }

    @Test
    void a101ToARequestThatDidNotAskIsA502() throws Exception {
        RawHttp.Conversation c = send(request("GET", "/switch"));
        assertThat(c.raw()).startsWith("HTTP/1.1 502").doesNotContain("evil");
        assertThat(fx.lastLineFor("/switch")).contains("code=H17").contains("did not ask to upgrade");
        assertNextClientGetsItsOwn("/switch");
    }

    @Test
    void aResponseHeadOverTheLimitIsA502() throws Exception {
        RawHttp.Conversation c = send(request("GET", "/big-head"));
        assertThat(c.raw()).startsWith("HTTP/1.1 502");
        assertThat(fx.lastLineFor("/big-head")).contains("code=H17");
    }

    @Test
    void anHttp10ResponseIsReframedUnderAnHttp11StatusLine() throws Exception {
        RawHttp.Conversation c = send(last("GET", "/http10"));
        assertThat(c.raw()).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("transfer-encoding: chunked")
                .contains("\r\n3\r\nold\r\n0\r\n\r\n");
    }

    @Test
    void aResponseBeforeTheWholeRequestSaysTheConnectionCloses() throws Exception {
        RawHttp.Conversation c = send("POST /upload HTTP/1.1\r\nHost: app\r\nContent-Length: 100000\r\n\r\n"
                + "x".repeat(1000));
        assertThat(c.raw()).startsWith("HTTP/1.1 413").containsIgnoringCase("connection: close");
        assertThat(c.closed()).isTrue();
    }

    @Test
    void interimResponsesReachAnHttp11ClientButNotAnHttp10One() throws Exception {
        RawHttp.Conversation c11 = send(last("GET", "/continue"));
        assertThat(c11.raw()).startsWith("HTTP/1.1 100 Continue\r\n").contains("HTTP/1.1 103 Early Hints\r\n")
                .endsWith("\r\n\r\nfinal");
        RawHttp.Conversation c10 = send("GET /continue HTTP/1.0\r\n\r\n");
        assertThat(c10.raw()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nfinal");
    }

    @Test
    void anHttp10ClientGetsTheBodyEndedByAClose() throws Exception {
        RawHttp.Conversation c = send("GET /http10 HTTP/1.0\r\n\r\n");
        assertThat(c.raw()).startsWith("HTTP/1.1 200 OK\r\n").doesNotContainIgnoringCase("chunked").endsWith("\r\n\r\nold");
        assertThat(c.closed()).isTrue();
    }
}
