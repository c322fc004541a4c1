package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.router.log.AccessLogFormat;
import dyno.router.log.AccessLogWriter;
import dyno.router.testing.HttpConnection;
import dyno.router.testing.KeepAliveLoad;
import dyno.router.testing.RouterFixture;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconfigureEndToEndTest {
    private static final int THREADS = 4;
    private static final int REQUESTS = 250;

    private RouterFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    /** Waits (bounded) until the load completed {@code more} requests past {@code from}, or failed, or ended. */
    private static void progress(KeepAliveLoad load, int from, int more) throws InterruptedException {
        for (int i = 0; i < 3000 && load.completed() < from + more && load.failures.isEmpty()
                && load.completed() < THREADS * REQUESTS; i++) {
            Thread.sleep(10);
        }
    }

    /** A port free a moment ago on 127.0.0.1. */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    @Test
    void reconfiguringUnderLoadFailsNoRequestWhileBalanceTimeoutsHealthAndListenerChange() throws Exception {
        fx = new RouterFixture(b -> b.healthPath("/health").healthInterval(Duration.ofMillis(50)));
        fx.addBackend("web.1");
        fx.addBackend("web.2");
        Router router = fx.router;
        int firstPort = router.port();
        try (KeepAliveLoad load = KeepAliveLoad.start(router::port, "/", THREADS, REQUESTS, 20)) {
            RouterConfig c = router.config();
            List<RouterConfig> steps = List.of(
                    c.toBuilder().balance(Balance.RANDOM).build(),
                    c.toBuilder().balance(Balance.LEAST_CONN).idleTimeout(Duration.ofSeconds(30))
                            .firstByteTimeout(Duration.ofSeconds(20)).connectTimeout(Duration.ofSeconds(3)).build(),
                    c.toBuilder().balance(Balance.P2C).healthInterval(Duration.ofMillis(70)).fall(5).rise(1)
                            .maxInFlightPerDyno(500).maxConnections(5000).dynoKeepAlive(Duration.ofSeconds(1)).build(),
                    c.toBuilder().healthPath("/other").maxHeadBytes(32 * 1024).headerTimeout(Duration.ofSeconds(5)).build(),
                    c.toBuilder().healthPath(null).holdTimeout(Duration.ofSeconds(10)).build(),
                    c.toBuilder().healthPath("/health").balance(Balance.ROUND_ROBIN).build());
            for (RouterConfig next : steps) {
                progress(load, load.completed(), 60);
                assertThat(router.reconfigure(next).applied()).isNotEmpty();
            }
            progress(load, load.completed(), 60);
            Reconfigured moved = moveListener(router);
            assertThat(moved.applied()).contains("port");
            assertThat(load.await(150, TimeUnit.SECONDS)).isTrue();
            assertThat(load.failureList()).isEmpty();
            assertThat(load.completed()).isEqualTo(THREADS * REQUESTS);
            assertThat(load.bodies().keySet()).containsExactlyInAnyOrder("web.1", "web.2");
        }
        assertThat(router.port()).isNotEqualTo(firstPort);
        assertThat(fx.get("/").statusCode()).isEqualTo(200); // the fixture asks router.port(): the new one
        assertThatThrownBy(() -> HttpConnection.open(firstPort)).isInstanceOf(ConnectException.class);
        assertThat(router.registry().status()).extracting(BackendStatus::healthy).containsOnly(true);
        assertThat(router.config().healthPath()).isEqualTo("/health");
    }

    /** Moves the router to a free port, trying another if one was taken meanwhile. */
    private static Reconfigured moveListener(Router router) throws IOException {
        for (int attempt = 0; ; attempt++) {
            try {
                return router.reconfigure(router.config().toBuilder().port(freePort()).build());
            } catch (ListenException e) {
                if (attempt == 4) {
                    throw e;
                }
            }
        }
    }

    @Test
    void aLoweredRequestTimeoutAppliesToTheNextRequestOfAConnectionOpenedBefore() throws Exception {
        fx = new RouterFixture(b -> b.firstByteTimeout(Duration.ofSeconds(30)));
        fx.addBackend("web.1");
        try (HttpConnection connection = HttpConnection.open(fx.router.port())) {
            assertThat(connection.get("/slow?ms=300", false).status()).isEqualTo(200);
            Reconfigured r = fx.router.reconfigure(fx.router.config().toBuilder()
                    .firstByteTimeout(Duration.ofMillis(200)).build());
            assertThat(r.applied()).containsExactly("firstByteTimeout");
            HttpConnection.Response timedOut = connection.get("/slow?ms=10000", false);
            assertThat(timedOut.status()).isEqualTo(503);
            assertThat(fx.lastLineFor("/slow?ms=10000")).contains("code=H12");
        }
    }

    @Test
    void movingTheListenerToATakenPortThrowsAndChangesNothing() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        int port = fx.router.port();
        RouterConfig before = fx.router.config();
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            RouterConfig next = before.toBuilder().port(taken.getLocalPort()).balance(Balance.RANDOM)
                    .idleTimeout(Duration.ofSeconds(1)).build();
            assertThatThrownBy(() -> fx.router.reconfigure(next)).isInstanceOf(ListenException.class)
                    .hasMessage("cannot listen on 127.0.0.1:" + taken.getLocalPort() + ": the address is already in use");
        }
        assertThat(fx.router.port()).isEqualTo(port);
        assertThat(fx.router.config()).isEqualTo(before);
        assertThat(fx.get("/").body()).isEqualTo("web.1");
    }

    @Test
    void theBoundPortOfAnEphemeralListenerIsNoMove() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        int port = fx.router.port();
        try (HttpConnection open = HttpConnection.open(port)) {
            assertThat(fx.router.reconfigure(fx.router.config().toBuilder().port(port).build()).applied())
                    .containsExactly("port");
            assertThat(fx.router.port()).isEqualTo(port);
            assertThat(open.get("/", false).body()).isEqualTo("web.1");
            assertThat(fx.get("/").body()).isEqualTo("web.1");
        }
    }

    @Test
    void swappingTheAccessLogUnderLoadLosesNoLine(@TempDir Path dir) throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        AccessLogWriter one = AccessLogWriter.append(first, AccessLogFormat.HEROKU);
        AccessLogWriter two = AccessLogWriter.append(second, AccessLogFormat.HEROKU);
        try {
            fx = new RouterFixture(b -> b.accessLog(one));
            fx.addBackend("web.1");
            fx.addBackend("web.2");
            try (KeepAliveLoad load = KeepAliveLoad.start(fx.router::port, "/", THREADS, REQUESTS, 50)) {
                progress(load, 0, THREADS * REQUESTS / 2);
                assertThat(fx.router.reconfigure(fx.router.config().toBuilder().accessLog(two).build()).applied())
                        .containsExactly("accessLog");
                one.close(); // as the caller of a reload does
                assertThat(load.await(150, TimeUnit.SECONDS)).isTrue();
                assertThat(load.failureList()).isEmpty();
            }
        } finally {
            one.close();
            two.close();
        }
        long lines = Files.readAllLines(first).size() + Files.readAllLines(second).size();
        assertThat(lines).isEqualTo(THREADS * REQUESTS);
        assertThat(Files.readAllLines(first)).isNotEmpty();
        assertThat(Files.readAllLines(second)).isNotEmpty();
        assertThat(one.dropped() + two.dropped() + one.unwritten() + two.unwritten()).isZero();
    }

    @Test
    void reportsWhatChangedAndKeepsWhatNeedsARestart() {
        fx = new RouterFixture();
        RouterConfig before = fx.router.config();
        assertThat(fx.router.reconfigure(before).unchanged()).isTrue();
        Reconfigured r = fx.router.reconfigure(before.toBuilder().threads(before.threads() + 1)
                .idleTimeout(Duration.ofSeconds(7)).observer((dyno, status, code, connectNanos, serviceNanos) -> { })
                .build());
        assertThat(r.applied()).containsExactly("idleTimeout");
        assertThat(r.needRestart()).containsExactly("threads", "observer");
        assertThat(fx.router.config().threads()).isEqualTo(before.threads());
        assertThat(fx.router.config().observer()).isSameAs(before.observer());
        assertThat(fx.router.config().idleTimeout()).isEqualTo(Duration.ofSeconds(7));
    }
}
