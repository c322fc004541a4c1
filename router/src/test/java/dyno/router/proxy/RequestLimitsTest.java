package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterFixture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Heroku's request limits and request smuggling defences, over raw sockets. No dyno is registered:
 * a request the router accepts gets 503 H14, one it refuses 400.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RequestLimitsTest {
    private static RouterFixture fx;

    @BeforeAll
    static void start() {
        fx = new RouterFixture();
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static String send(String head) throws Exception {
        return RawHttp.exchange(fx.router.port(), head);
    }

    private static String requestLineOf(int length) {
        String prefix = "GET /";
        String suffix = " HTTP/1.1";
        return prefix + "a".repeat(length - prefix.length() - suffix.length()) + suffix;
    }

    private static String headerLineOf(String name, int length) {
        return name + ": " + "v".repeat(length - name.length() - 2);
    }

    @Test
    void acceptsARequestLineOf8192Bytes() throws Exception {
        assertThat(send(requestLineOf(8192) + "\r\nHost: x\r\nConnection: close\r\n\r\n")).startsWith("HTTP/1.1 503");
    }

    @Test
    void refusesARequestLineLongerThan8192Bytes() throws Exception {
        assertThat(send(requestLineOf(8193) + "\r\nHost: x\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void acceptsAHeaderLineOf8192Bytes() throws Exception {
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\n" + headerLineOf("X-Long", 8192) + "\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 503");
    }

    @Test
    void refusesAHeaderLineLongerThan8192Bytes() throws Exception {
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\n" + headerLineOf("X-Long", 8193) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void acceptsAHeaderNameOf1000Bytes() throws Exception {
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\n" + "N".repeat(1000) + ": v\r\nConnection: close\r\n\r\n"))
                .startsWith("HTTP/1.1 503");
    }

    @Test
    void refusesAHeaderNameLongerThan1000Bytes() throws Exception {
        assertThat(send("GET / HTTP/1.1\r\nHost: x\r\n" + "N".repeat(1001) + ": v\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void accepts1000Headers() throws Exception {
        StringBuilder b = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (int i = 0; i < 998; i++) {
            b.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(send(b.append("\r\n").toString())).startsWith("HTTP/1.1 503");
    }

    @Test
    void refusesMoreThan1000Headers() throws Exception {
        StringBuilder b = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 1000; i++) {
            b.append("X-H").append(i).append(": v\r\n");
        }
        assertThat(send(b.append("\r\n").toString())).startsWith("HTTP/1.1 400");
    }

    @Test
    void refusesContentLengthWithTransferEncoding() throws Exception {
        assertThat(send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "0\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void refusesTransferEncodingWithContentLength() throws Exception {
        assertThat(send("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n"
                + "0\r\n\r\n")).startsWith("HTTP/1.1 400");
    }

    @Test
    void refusesContentLengthWithTransferEncodingFromHttp10Clients() throws Exception {
        assertThat(send("POST / HTTP/1.0\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void refusesConflictingContentLengths() throws Exception {
        assertThat(send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"))
                .startsWith("HTTP/1.1 400");
    }

    @Test
    void refusesAContentLengthListWithDifferentValues() throws Exception {
        assertThat(send("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 6\r\n\r\nhello!")).startsWith("HTTP/1.1 400");
    }

    @Test
    void answersBadRequestWithAnHtmlPageAndCloses() throws Exception {
        String res = send("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n");
        assertThat(res).startsWith("HTTP/1.1 400").containsIgnoringCase("connection: close").contains("<h1>Bad Request");
        assertThat(fx.accessLines).anyMatch(l -> l.startsWith("at=error desc=\"Bad request") && l.contains("status=400"));
    }
}
