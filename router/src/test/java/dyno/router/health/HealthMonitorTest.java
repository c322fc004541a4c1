package dyno.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.RouterListener;
import dyno.router.select.DynoTable;
import dyno.router.select.RoundRobinStrategy;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class HealthMonitorTest {
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(1);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    @Test
    void takesADynoOutAfterFallFailuresAndBackAfterRiseSuccesses() {
        DynoTable table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofSeconds(5), 10,
                RouterListener.NONE);
        AtomicBoolean healthy = new AtomicBoolean(true);
        AtomicInteger probes = new AtomicInteger();
        HealthCheck check = (address, timeout) -> {
            probes.incrementAndGet();
            return CompletableFuture.completedFuture(healthy.get() ? HealthCheck.Result.passed("status 200")
                    : HealthCheck.Result.failed("status 503"));
        };
        List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
        HealthMonitor monitor = new HealthMonitor(table, check, scheduler, Duration.ofMillis(20),
                Duration.ofMillis(100), 3, 2, new RouterListener() {
                    @Override
                    public void healthChanged(HealthTransition t) {
                        transitions.add(t);
                    }
                });
        table.watch(monitor);
        table.add("web.1", new InetSocketAddress("127.0.0.1", 1));
        assertThat(table.snapshot().size()).isEqualTo(1);

        healthy.set(false);
        int before = probes.get();
        await().atMost(Duration.ofSeconds(5)).until(() -> table.snapshot().isEmpty());
        assertThat(probes.get() - before).isGreaterThanOrEqualTo(3);
        assertThat(table.snapshot().registered()).isEqualTo(1);

        healthy.set(true);
        await().atMost(Duration.ofSeconds(5)).until(() -> table.snapshot().size() == 1);
        monitor.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> transitions.size() == 2);
        assertThat(transitions.get(0).toString())
                .isEqualTo("web.1 (127.0.0.1:1) is DOWN after 3/3 failed checks, last: status 503; 0 of 1 in rotation");
        assertThat(transitions.get(0).logfmt()).isEqualTo("at=info desc=\"Backend down\" dyno=web.1"
                + " backend=127.0.0.1:1 reason=\"status 503\" checks=3/3 in_rotation=0/1");
        assertThat(transitions.get(1).healthy()).isTrue();
        assertThat(transitions.get(1).checks()).isEqualTo(2);
        assertThat(transitions.get(1).threshold()).isEqualTo(2);
        assertThat(transitions.get(1).inRotation()).isEqualTo(1);
    }

    @Test
    void realHttpCheckCountsStatusBelow500AsHealthyAndRefusedAsNot() throws Exception {
        var group = dyno.router.pool.Transport.nio().newGroup(1);
        var server = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
        server.createContext("/ok", ex -> { ex.sendResponseHeaders(404, -1); ex.close(); });
        server.createContext("/bad", ex -> { ex.sendResponseHeaders(500, -1); ex.close(); });
        server.start();
        try {
            var template = new io.netty.bootstrap.Bootstrap().group(group)
                    .channel(io.netty.channel.socket.nio.NioSocketChannel.class);
            InetSocketAddress addr = new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
            Duration t = Duration.ofSeconds(2);
            assertThat(new HttpHealthCheck(template, "/ok").check(addr, t).toCompletableFuture().get())
                    .isEqualTo(HealthCheck.Result.passed("status 404"));
            assertThat(new HttpHealthCheck(template, "/bad").check(addr, t).toCompletableFuture().get())
                    .isEqualTo(HealthCheck.Result.failed("status 500 (expected: 100-499)"));
            server.stop(0);
            assertThat(new HttpHealthCheck(template, "/ok").check(addr, t).toCompletableFuture().get())
                    .isEqualTo(HealthCheck.Result.failed("connection refused"));
        } finally {
            server.stop(0);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    private static HealthCheck failing() {
        return (address, timeout) -> CompletableFuture.completedFuture(HealthCheck.Result.failed("status 503"));
    }

    @Test
    void newSettingsKeepAnUnhealthyDynoOutUntilItRisesAndOffBringsItBack() {
        DynoTable table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofSeconds(5), 10,
                RouterListener.NONE);
        List<HealthTransition> transitions = new CopyOnWriteArrayList<>();
        HealthMonitor monitor = new HealthMonitor(table, scheduler, new RouterListener() {
            @Override
            public void healthChanged(HealthTransition t) {
                transitions.add(t);
            }
        });
        table.watch(monitor);
        table.add("web.1", new InetSocketAddress("127.0.0.1", 1));
        monitor.checks(failing(), Duration.ofMillis(20), Duration.ofMillis(100), 1, 1, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> table.snapshot().isEmpty());
        // Same path, passing checks from now on, but an hour apart: still out until one passes.
        AtomicInteger probes = new AtomicInteger();
        HealthCheck passing = (address, timeout) -> {
            probes.incrementAndGet();
            return CompletableFuture.completedFuture(HealthCheck.Result.passed("status 200"));
        };
        monitor.checks(passing, Duration.ofHours(1), Duration.ofMillis(100), 1, 1, true);
        assertThat(table.snapshot().isEmpty()).isTrue();
        assertThat(table.status().get(0).healthy()).isFalse();
        monitor.off();
        assertThat(table.snapshot().size()).isEqualTo(1);
        assertThat(transitions.get(transitions.size() - 1).reason()).isEqualTo("health checks off");
        // Checks on again: a dyno added while they were off is watched too.
        table.add("web.2", new InetSocketAddress("127.0.0.1", 2));
        monitor.checks(failing(), Duration.ofMillis(20), Duration.ofMillis(100), 1, 1, true);
        await().atMost(Duration.ofSeconds(5)).until(() -> table.snapshot().isEmpty());
        assertThat(probes).hasValue(0);
        monitor.close();
    }

    @Test
    void anotherPathStartsEveryDynoHealthy() {
        DynoTable table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofSeconds(5), 10,
                RouterListener.NONE);
        HealthMonitor monitor = new HealthMonitor(table, failing(), scheduler, Duration.ofMillis(20),
                Duration.ofMillis(100), 1, 1, RouterListener.NONE);
        table.watch(monitor);
        table.add("web.1", new InetSocketAddress("127.0.0.1", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> table.snapshot().isEmpty());
        monitor.checks(failing(), Duration.ofHours(1), Duration.ofMillis(100), 1, 1, false);
        assertThat(table.snapshot().size()).isEqualTo(1);
        monitor.close();
    }
}
