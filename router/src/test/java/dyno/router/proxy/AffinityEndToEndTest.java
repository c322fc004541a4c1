package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.Affinity;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.TestBackend;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --affinity cookie}: a client's requests stay on its dyno while it takes traffic. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AffinityEndToEndTest {
    private static HttpResponse<String> get(RouterFixture f, String path, String cookie) throws Exception {
        var req = f.request(path).GET();
        if (cookie != null) {
            req.header("Cookie", cookie);
        }
        return f.send(req.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String setCookie(HttpResponse<?> res) {
        return res.headers().firstValue("set-cookie").orElse(null);
    }

    @Test
    void aCookieKeepsAClientOnItsDynoAndFollowsItWhenItLeaves() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b.affinity(Affinity.COOKIE))) {
            f.addBackend("web.1");
            f.addBackend("web.2");
            HttpResponse<String> first = get(f, "/", null);
            String dyno = first.body();
            assertThat(setCookie(first)).isEqualTo("dyno-session-affinity=" + dyno
                    + "; Max-Age=86400; Path=/; HttpOnly; SameSite=Lax");
            String cookie = "theme=dark; dyno-session-affinity=" + dyno;
            for (int i = 0; i < 8; i++) {
                HttpResponse<String> again = get(f, "/", cookie);
                assertThat(again.body()).isEqualTo(dyno);
                assertThat(setCookie(again)).isNull(); // already right: not set again
            }
            // the dyno never sees the router's cookie, and keeps the app's
            assertThat(get(f, "/headers", cookie).body()).contains("cookie: theme=dark\n")
                    .doesNotContain("dyno-session-affinity");

            // scale down: the cookie's dyno is gone, the client moves and is told so
            f.router.registry().remove(dyno, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS);
            HttpResponse<String> moved = get(f, "/", cookie);
            String other = dyno.equals("web.1") ? "web.2" : "web.1";
            assertThat(moved.body()).isEqualTo(other);
            assertThat(setCookie(moved)).startsWith("dyno-session-affinity=" + other + ";");

            // scale up again: the old cookie finds its dyno once more
            TestBackend back = f.startBackend(dyno);
            f.router.registry().add(dyno, back.address());
            assertThat(get(f, "/", cookie).body()).isEqualTo(dyno);
        }
    }

    @Test
    void aDrainingDynoIsLeftForANewOne() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b.affinity(Affinity.COOKIE))) {
            f.addBackend("web.1");
            f.addBackend("web.2");
            f.router.registry().drain("web.1", Duration.ofSeconds(30));
            HttpResponse<String> res = get(f, "/", "dyno-session-affinity=web.1");
            assertThat(res.body()).isEqualTo("web.2");
            assertThat(setCookie(res)).startsWith("dyno-session-affinity=web.2;");
        }
    }

    @Test
    void unknownOrMalformedCookiesAreBalancedAndWithoutAffinityNothingIsSet() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b.affinity(Affinity.COOKIE))) {
            f.addBackend("web.1");
            assertThat(setCookie(get(f, "/", "dyno-session-affinity=web.9"))).startsWith("dyno-session-affinity=web.1;");
            assertThat(setCookie(get(f, "/", "dyno-session-affinity=\"x y\""))).startsWith("dyno-session-affinity=web.1;");
        }
        try (RouterFixture f = new RouterFixture(b -> b)) {
            f.addBackend("web.1");
            HttpResponse<String> res = get(f, "/headers", "dyno-session-affinity=web.1");
            assertThat(setCookie(res)).isNull();
            assertThat(res.body()).contains("dyno-session-affinity=web.1"); // off: the router leaves cookies alone
        }
    }

    @Test
    void aReconfigurationTurnsAffinityOn() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b)) {
            f.addBackend("web.1");
            assertThat(setCookie(get(f, "/", null))).isNull();
            f.router.reconfigure(f.router.config().toBuilder().affinity(Affinity.COOKIE).build());
            assertThat(setCookie(get(f, "/", null))).startsWith("dyno-session-affinity=web.1;");
        }
    }
}
