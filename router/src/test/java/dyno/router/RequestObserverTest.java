package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RequestObserverTest {
    record Seen(String dyno, int status, String code, long connectNanos, long serviceNanos) {
    }

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private RouterFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private RouterFixture start(java.util.function.UnaryOperator<RouterConfig.Builder> more) {
        return new RouterFixture(b -> more.apply(b.observer((d, s, c, cn, sn) -> seen.add(new Seen(d, s, c, cn, sn)))));
    }

    @Test
    void reportsEachServedRequestWithItsDynoAndTimes() throws Exception {
        fx = start(b -> b);
        fx.addBackend("web.1");
        fx.addBackend("web.2");
        assertThat(fx.get("/slow?ms=30").statusCode()).isEqualTo(200);
        assertThat(fx.get("/").statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 2);
        Seen slow = seen.get(0);
        assertThat(slow.dyno()).isEqualTo("web.1");
        assertThat(slow.status()).isEqualTo(200);
        assertThat(slow.code()).isNull();
        assertThat(slow.connectNanos()).isGreaterThan(0); // a fresh connection
        assertThat(slow.serviceNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(30));
        assertThat(seen.get(1).dyno()).isEqualTo("web.2");
    }

    @Test
    void reportsRouterErrorsWithTheirCodeAndNoDyno() throws Exception {
        fx = start(b -> b);
        assertThat(fx.get("/").statusCode()).isEqualTo(503);
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
        assertThat(seen.get(0)).isEqualTo(new Seen(null, 503, "H14", -1, -1));
    }

    @Test
    void reportsMalformedRequestsAs400() throws Exception {
        fx = start(b -> b);
        fx.addBackend("web.1");
        String answer = RawHttp.exchange(fx.router.port(), "GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        await().atMost(Duration.ofSeconds(5)).until(() -> seen.size() == 1);
        assertThat(seen.get(0).status()).isEqualTo(400);
        assertThat(seen.get(0).dyno()).isNull();
    }

    @Test
    void aFailingObserverDoesNotBreakRouting() throws Exception {
        fx = new RouterFixture(b -> b.observer((d, s, c, cn, sn) -> {
            throw new IllegalStateException("observer bug");
        }));
        fx.addBackend("web.1");
        assertThat(fx.get("/").body()).isEqualTo("web.1");
        assertThat(fx.get("/").body()).isEqualTo("web.1");
    }
}
