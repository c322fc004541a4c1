package dyno.router.pool;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.ScriptedDyno;
import dyno.router.testing.ScriptedDyno.Part;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Connections a burst of concurrent requests opened to a dyno are all kept for the next burst, up to
 * the in-flight limit per dyno: an h2 client with 16 connections x 10 streams, or 100 HTTP/1.1
 * clients, must not make the router open (and leave in TIME_WAIT) new dyno connections on every
 * burst. (The pool used to keep at most 64 per dyno and event loop.)
 */
@ExtendWith(LeakCheckExtension.class)
class BurstReuseTest {
    private static final int BURST = 100;

    @Test
    void aSecondBurstAsWideAsTheFirstReusesEveryConnection() throws Exception {
        // each request held 1 s by the dyno, so a burst's requests overlap and each needs its own connection
        try (ScriptedDyno dyno = ScriptedDyno.start(r -> r.equals("GET /burst") ? List.of(Part.later(1000, ScriptedDyno.ok("b"))) : null);
             RouterFixture fx = new RouterFixture(b -> b.threads(1))) {
            fx.router.registry().add("web.1", dyno.address());
            int first = burst(fx, dyno);
            assertThat(first).as("connections the first burst needed").isGreaterThan(64);
            burst(fx, dyno);
            assertThat(dyno.connections()).as("the second burst opened none beyond the first's widest")
                    .isLessThanOrEqualTo(BURST);
        }
    }

    private static int burst(RouterFixture fx, ScriptedDyno dyno) throws Exception {
        List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
        for (int i = 0; i < BURST; i++) {
            all.add(fx.client().sendAsync(fx.request("/burst").build(), HttpResponse.BodyHandlers.ofString()));
        }
        for (CompletableFuture<HttpResponse<String>> f : all) {
            assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        return dyno.connections();
    }
}
