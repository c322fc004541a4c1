package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RawHttp;
import dyno.router.testing.RecordedRoute;
import dyno.router.testing.RecordingBackend;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A browser sends whatever it holds for 127.0.0.1 to every port there, the router's included: the
 * router must not hand a dyno (any app, or whatever listens behind it) the control API's dashboard
 * credentials. What the dyno receives is read raw by a {@link RecordingBackend}.
 */
@ExtendWith(LeakCheckExtension.class)
@Timeout(30)
class DynoCredentialsTest {
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

    private String forwardedHead(String raw) throws Exception {
        RawHttp.Conversation c = RawHttp.converse(route.port(), raw.getBytes(StandardCharsets.ISO_8859_1), 300, 5000);
        assertThat(c.statuses()).containsExactly(200);
        RecordingBackend.Event e = route.since(1).get(0);
        assertThat(e.ambiguity()).isNull();
        return e.head();
    }

    private static List<String> values(String head, String name) {
        return head.lines().skip(1).filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name + ":"))
                .map(l -> l.substring(name.length() + 1).trim()).toList();
    }

    @Test
    void dashboardHeadersNeverReachTheDyno() throws Exception {
        String head = forwardedHead("GET /echo HTTP/1.1\r\nHost: app\r\nX-Dyno-Session: s3cr3t\r\n"
                + "x-dyno-dashboard: 1\r\nX-DYNO-SESSION: again\r\nAuthorization: Bearer app-token\r\n"
                + "X-Dyno-Other: kept\r\nConnection: close\r\n\r\n");
        assertThat(head.toLowerCase(Locale.ROOT)).doesNotContain("x-dyno-session").doesNotContain("x-dyno-dashboard")
                .doesNotContain("s3cr3t");
        assertThat(values(head, "authorization")).as("the app's own credentials are the app's").containsExactly("Bearer app-token");
        assertThat(values(head, "x-dyno-other")).containsExactly("kept");
    }

    @Test
    void dashboardSessionCookiesAreCutFromTheCookieHeader() throws Exception {
        String head = forwardedHead("GET /echo HTTP/1.1\r\nHost: app\r\n"
                + "Cookie: theme=dark; dyno_session_37461=c0ffee; cart=3\r\n"
                + "Cookie: dyno_session_5006=beef\r\n"
                + "Cookie: dyno_sessions_are_mine=1;dyno_session=bad\r\nConnection: close\r\n\r\n");
        assertThat(head).doesNotContain("c0ffee").doesNotContain("beef").doesNotContain("=bad");
        assertThat(values(head, "cookie")).containsExactly("theme=dark; cart=3", "dyno_sessions_are_mine=1");
    }

    @Test
    void cookiesWithoutADynoCrumbAreForwardedUntouched() throws Exception {
        String head = forwardedHead("GET /echo HTTP/1.1\r\nHost: app\r\nCookie: a=1;b=2;  c=dyno_session_1\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(values(head, "cookie")).containsExactly("a=1;b=2;  c=dyno_session_1");
    }

    @Test
    void aCookieHeaderOfOnlyDynoCrumbsIsRemoved() throws Exception {
        String head = forwardedHead("GET /echo HTTP/1.1\r\nHost: app\r\nCookie: dyno_session_37461=c0ffee\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(values(head, "cookie")).isEmpty();
    }
}
