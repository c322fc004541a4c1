package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.ScriptedDyno;
import dyno.router.testing.ScriptedDyno.Part;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A dyno closes its idle keep-alive connections (Node after 5 s, gunicorn after 2 s); a request sent
 * on a pooled connection the dyno is closing must not become an H13.
 */
@ExtendWith(LeakCheckExtension.class)
class StalePooledConnectionTest {

    @Test
    void aReusedConnectionClosedBeforeAnyResponseIsRetriedOnceOnANewOne() throws Exception {
        // The second request on any connection is read, then the connection closed unanswered.
        Map<String, List<Part>> script = Map.of("#2 GET /stale", List.of(Part.closing("")));
        try (ScriptedDyno dyno = ScriptedDyno.start(script::get);
             RouterFixture fx = new RouterFixture(b -> b.threads(1))) {
            fx.router.registry().add("web.1", dyno.address());
            assertThat(fx.get("/stale").statusCode()).isEqualTo(200);
            HttpResponse<String> second = fx.get("/stale");
            assertThat(second.statusCode()).isEqualTo(200);
            assertThat(second.body()).isEqualTo("/stale");
            await().atMost(Duration.ofSeconds(5)).until(() -> fx.accessLines.stream().filter(l -> l.contains("/stale"))
                    .count() == 2);
            assertThat(fx.lastLineFor("/stale")).startsWith("at=info").contains("status=200").endsWith(" retries=1");
            assertThat(dyno.connections()).isEqualTo(2);
        }
    }

    @Test
    void aPostIsNotSentTwice() throws Exception {
        Map<String, List<Part>> script = Map.of("#2 POST /stale", List.of(Part.closing("")));
        try (ScriptedDyno dyno = ScriptedDyno.start(script::get);
             RouterFixture fx = new RouterFixture(b -> b.threads(1))) {
            fx.router.registry().add("web.1", dyno.address());
            var post = fx.request("/stale").POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build();
            assertThat(fx.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
            assertThat(fx.send(post, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(503);
            await().atMost(Duration.ofSeconds(5)).until(() -> fx.lastLineFor("/stale") != null
                    && fx.lastLineFor("/stale").contains("code=H13"));
            assertThat(dyno.requests()).hasSize(2);
        }
    }

    @Test
    void idlePooledConnectionsExpireBeforeTheDynosKeepAlive() throws Exception {
        try (ScriptedDyno dyno = ScriptedDyno.withKeepAlive(5_000);
             RouterFixture fx = new RouterFixture(b -> b.threads(1).dynoKeepAlive(Duration.ofSeconds(1)))) {
            fx.router.registry().add("web.1", dyno.address());
            assertThat(fx.get("/a").statusCode()).isEqualTo(200);
            assertThat(fx.get("/b").statusCode()).isEqualTo(200);
            assertThat(dyno.connections()).isEqualTo(1); // reused while fresh
            Thread.sleep(2500);
            assertThat(fx.get("/c").statusCode()).isEqualTo(200);
            assertThat(dyno.connections()).isEqualTo(2); // the idle one was closed by the router, not reused
        }
    }

    @Test
    void requestsPacedAtTheDynosKeepAliveGetNoH13() throws Exception {
        // The reproduction: a dyno keep-alive of 200 ms and requests about that far apart.
        try (ScriptedDyno dyno = ScriptedDyno.withKeepAlive(200);
             RouterFixture fx = new RouterFixture(b -> b.threads(1))) {
            fx.router.registry().add("web.1", dyno.address());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                statuses.add(fx.get("/paced").statusCode());
                Thread.sleep(180 + (i % 5) * 10); // 180-220 ms: around the dyno's timeout
            }
            assertThat(statuses).as(String.join("\n", fx.accessLines)).containsOnly(200);
        }
    }
}
