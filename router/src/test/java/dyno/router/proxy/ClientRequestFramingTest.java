package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RawHttp;
import dyno.router.testing.RecordedRoute;
import dyno.router.testing.RecordingBackend;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a dyno receives for requests whose framing or headers a sloppy or hostile client chose: read
 * raw by a {@link RecordingBackend}, so nothing normalizes the bytes on the way.
 */
@ExtendWith(LeakCheckExtension.class)
class ClientRequestFramingTest {
    private static RecordedRoute route;

    @BeforeAll
    static void start() throws Exception {
        route = RecordedRoute.start();
    }

    @AfterAll
    static void stop() {
        route.close();
    }

    @BeforeEach
    void mark() {
        route.mark();
    }

    private static RawHttp.Conversation send(String raw) throws Exception {
        return RawHttp.converse(route.port(), raw.getBytes(StandardCharsets.ISO_8859_1), 300, 5000);
    }

    private List<RecordingBackend.Event> newEvents(int atLeast) {
        return route.since(atLeast);
    }

    @Test
    void aHixieHandshakeGetsNoImplicitBody() throws Exception {
        // Netty's decoder gives GET + Sec-WebSocket-Key1/Key2 an 8-byte body; forwarded unframed, the
        // dyno would read "GET /adm" as the start of the next request.
        RawHttp.Conversation c = send("GET /hixie HTTP/1.1\r\nHost: app\r\nSec-WebSocket-Key1: 1\r\n"
                + "Sec-WebSocket-Key2: 2\r\n\r\nGET /admin HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
        assertThat(c.statuses()).containsExactly(200, 200);
        List<RecordingBackend.Event> events = newEvents(2);
        assertThat(events).allSatisfy(e -> assertThat(e.ambiguity()).isNull());
        assertThat(events).extracting(RecordingBackend.Event::requestLine)
                .containsExactly("GET /hixie HTTP/1.1", "GET /admin HTTP/1.1");
        assertThat(events.get(0).body()).isEmpty();
    }

    @Test
    void requestTrailersNeverReachTheDyno() throws Exception {
        RawHttp.Conversation c = send("POST /trailers HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n5\r\nhello\r\n0\r\nHost: evil.example\r\nX-Forwarded-For: 6.6.6.6\r\n\r\n");
        assertThat(c.statuses()).containsExactly(200);
        RecordingBackend.Event e = newEvents(1).get(0);
        assertThat(new String(e.body(), StandardCharsets.ISO_8859_1)).isEqualTo("hello");
        assertThat(e.head()).doesNotContain("evil.example").doesNotContain("6.6.6.6");
        assertThat(e.ambiguity()).isNull();
    }

    @Test
    void anHttp10RequestWithoutHostIsForwardedWithTheRoutersAddress() throws Exception {
        RawHttp.Conversation c = send("GET /old HTTP/1.0\r\n\r\n");
        assertThat(c.statuses()).containsExactly(200);
        RecordingBackend.Event e = newEvents(1).get(0);
        assertThat(e.head()).startsWith("GET /old HTTP/1.1\r\n").contains("\r\nhost: 127.0.0.1:" + route.port());
    }

    @Test
    void forwardingHeadersFollowOnePolicy() throws Exception {
        send("GET /fwd HTTP/1.1\r\nHost: app\r\nX-Forwarded-For: 1.1.1.1\r\nX-Forwarded-For: 2.2.2.2\r\n"
                + "Forwarded: for=6.6.6.6;host=evil.example\r\nX-Forwarded-Host: evil.example\r\n"
                + "X-Forwarded-Proto: https\r\nConnection: close\r\n\r\n");
        String head = newEvents(1).get(0).head().toLowerCase();
        assertThat(head).contains("x-forwarded-for: 1.1.1.1, 2.2.2.2, 127.0.0.1\r\n")
                .contains("x-forwarded-proto: http\r\n")
                .doesNotContain("evil.example").doesNotContain("forwarded: for");
        assertThat(head.split("x-forwarded-for:", -1)).hasSize(2);
    }

    @Test
    void aRefusalBeforeTheBodyWasReadSaysItCloses() throws Exception {
        RawHttp.Conversation c = send("POST /big HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\n"
                + "Expect: something-else\r\n\r\n");
        assertThat(c.raw()).startsWith("HTTP/1.1 417").containsIgnoringCase("connection: close");
        assertThat(c.closed()).isTrue();
        RawHttp.Conversation bad = send("POST /bad HTTP/1.1\r\nHost: a b\r\nContent-Length: 5000000\r\n\r\nabc");
        assertThat(bad.raw()).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close");
    }

    @Test
    void aHeadOverTheLimitIs431() throws Exception {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            headers.append("X-Fill-").append(i).append(": ").append("f".repeat(4000)).append("\r\n");
        }
        RawHttp.Conversation c = send("GET /huge HTTP/1.1\r\nHost: app\r\n" + headers + "\r\n");
        assertThat(c.raw()).startsWith("HTTP/1.1 431");
        assertThat(c.closed()).isTrue();
    }

    @Test
    void clientValuesCannotForgeAccessLogFields() throws Exception {
        send("GET /log HTTP/1.1\r\nHost: x status=200 dyno=web.9\r\nConnection: close\r\n\r\n");
        await().atMost(Duration.ofSeconds(5)).until(() -> route.fx.lastLineFor("/log") != null);
        String line = route.fx.lastLineFor("/log");
        assertThat(line).contains("host=\"x status=200 dyno=web.9\"").contains("status=400");
        String unquoted = line.replaceAll("\"(\\\\.|[^\"\\\\])*\"", "\"\"");
        assertThat(unquoted.split(" dyno=", -1)).as(unquoted).hasSize(2);
        assertThat(unquoted.split(" status=", -1)).as(unquoted).hasSize(2);
    }
}
