package dyno.platform.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Template matching, decoding, precedence, 404 and 405, over a real JDK HttpServer. */
@Timeout(60)
class RouteTableTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final RouteTable routes = new RouteTable();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        routes.param("app", app -> {
            if (app.equals("ghost")) {
                throw ApiError.notFound("no app " + app);
            }
            return app.toUpperCase(java.util.Locale.ROOT);
        });
        routes.add("GET", "/apps/{app}/dynos/{dyno}", r -> answer(r, "dyno " + r.param("app") + " " + r.param("dyno")));
        routes.add("DELETE", "/apps/{app}/dynos/{dyno}", r -> answer(r, "delete " + r.param("dyno")));
        routes.add("GET", "/apps/{app}/{what}/all", r -> answer(r, "what " + r.param("what")));
        routes.add("GET", "/apps/{app}/dynos/all", r -> answer(r, "all dynos")); // added later, still wins: literal
        routes.addWithUrlCredential("GET", "/secret/{s}", r -> answer(r, "secret"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 8);
        server.createContext("/", ex -> {
            try (ex) {
                try {
                    routes.dispatch(ex, true);
                } catch (ApiError e) {
                    byte[] b = (e.status + " " + e.id).getBytes(StandardCharsets.UTF_8);
                    ex.sendResponseHeaders(e.status, b.length);
                    ex.getResponseBody().write(b);
                }
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private static void answer(Request r, String text) throws java.io.IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        r.exchange().sendResponseHeaders(200, b.length);
        r.exchange().getResponseBody().write(b);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void paramsAreDecodedAndResolvedOneSegmentEach() throws Exception {
        assertThat(send("GET", "/apps/hello/dynos/web.1").body()).isEqualTo("dyno HELLO web.1");
        assertThat(send("GET", "/apps/hello/dynos/a%2Fb+c%20d/").body()).isEqualTo("dyno HELLO a/b+c d");
        assertThat(send("GET", "/apps/ghost/dynos/web.1").body()).isEqualTo("404 not_found");
        assertThat(send("GET", "/apps//dynos/web.1").body()).isEqualTo("404 not_found");
    }

    @Test
    void aLiteralSegmentWinsOverAParameterWhateverTheOrderAdded() throws Exception {
        assertThat(send("GET", "/apps/hello/dynos/all").body()).isEqualTo("all dynos");
        assertThat(send("GET", "/apps/hello/releases/all").body()).isEqualTo("what releases");
    }

    @Test
    void unknownPathsAre404AndOtherMethods405WithAllow() throws Exception {
        assertThat(send("GET", "/apps/hello").statusCode()).isEqualTo(404);
        assertThat(send("GET", "/").statusCode()).isEqualTo(404);
        HttpResponse<String> res = send("PATCH", "/apps/hello/dynos/web.1");
        assertThat(res.statusCode()).isEqualTo(405);
        assertThat(res.body()).isEqualTo("405 method_not_allowed");
        assertThat(res.headers().firstValue("Allow")).hasValue("DELETE, GET");
        assertThat(send("DELETE", "/apps/hello/dynos/all").headers().firstValue("Allow")).hasValue("GET");
    }

    @Test
    void onlyRoutesAddedWithAUrlCredentialAreMarkedSo() {
        assertThat(routes.urlCredential("GET", "/secret/abc")).isTrue();
        assertThat(routes.urlCredential("POST", "/secret/abc")).isFalse();
        assertThat(routes.urlCredential("GET", "/apps/hello/dynos/web.1")).isFalse();
        assertThat(routes.urlCredential("GET", "/nope")).isFalse();
    }

    @Test
    void aRouteMayBeAddedOnce() {
        assertThatThrownBy(() -> routes.add("GET", "/apps/{app}/dynos/{dyno}/", r -> { }))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("GET /apps/{app}/dynos/{dyno}");
        assertThatThrownBy(() -> routes.add("GET", "apps", r -> { })).isInstanceOf(IllegalArgumentException.class);
    }
}
