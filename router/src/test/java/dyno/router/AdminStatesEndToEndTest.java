package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.KeepAliveLoad;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.TestBackend;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AdminStatesEndToEndTest {
    private RouterFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void drainUnderLoadFailsNoRequestAndCompletesOnceItsRequestsEnded() throws Exception {
        fx = new RouterFixture();
        TestBackend one = fx.addBackend("web.1");
        fx.addBackend("web.2");
        DynoRegistry registry = fx.router.registry();
        try (KeepAliveLoad load = KeepAliveLoad.start(fx.router::port, "/slow?ms=10", 4, 150, 20)) {
            while (load.completed() < 40 && load.failures.isEmpty()) {
                Thread.sleep(10);
            }
            CompletableFuture<Void> drained = registry.drain("web.1", Duration.ofSeconds(60));
            drained.get(30, TimeUnit.SECONDS); // well before the deadline: its requests ended
            int reachedOne = one.requests();
            assertThat(registry.inFlight("web.1")).isZero();
            assertThat(registry.status().get(0).admin()).isEqualTo(AdminState.DRAIN);
            assertThat(load.await(90, TimeUnit.SECONDS)).isTrue();
            assertThat(load.failureList()).isEmpty();
            assertThat(load.completed()).isEqualTo(600);
            assertThat(one.requests()).isEqualTo(reachedOne); // nothing new once drained
        }
        registry.markUp("web.1");
        assertThat(fx.get("/").body()).isIn("web.1", "web.2");
        assertThat(fx.get("/").body()).isIn("web.1", "web.2");
        assertThat(one.requests()).isGreaterThan(0);
        assertThat(registry.status()).extracting(BackendStatus::admin).containsOnly(AdminState.READY);
    }

    @Test
    void maintenanceTakesABackendOutAndAllOutIsH10UntilOneIsReady() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        fx.addBackend("web.2");
        DynoRegistry registry = fx.router.registry();
        registry.markDown("web.1");
        for (int i = 0; i < 4; i++) {
            assertThat(fx.get("/").body()).isEqualTo("web.2");
        }
        registry.drain("web.2", Duration.ZERO).get(10, TimeUnit.SECONDS);
        assertThat(fx.get("/h10").statusCode()).isEqualTo(503);
        assertThat(fx.lastLineFor("/h10")).contains("code=H10");
        registry.markUp("web.1");
        for (int i = 0; i < 4; i++) {
            assertThat(fx.get("/").body()).isEqualTo("web.1");
        }
        assertThat(registry.status()).containsExactly(
                new BackendStatus("web.1", registry.status().get(0).address(), 1, AdminState.READY, true, 0),
                new BackendStatus("web.2", registry.status().get(1).address(), 1, AdminState.DRAIN, true, 0));
    }
}
