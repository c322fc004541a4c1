package dyno.router.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.RouterListener;
import dyno.router.select.DynoTable;
import dyno.router.select.RoundRobinStrategy;
import java.net.InetSocketAddress;
import java.time.Duration;
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
            return CompletableFuture.completedFuture(healthy.get());
        };
        HealthMonitor monitor = new HealthMonitor(table, check, scheduler, Duration.ofMillis(20),
                Duration.ofMillis(100), 3, 2);
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
            assertThat(new HttpHealthCheck(template, "/ok").check(addr, t).toCompletableFuture().get()).isTrue();
            assertThat(new HttpHealthCheck(template, "/bad").check(addr, t).toCompletableFuture().get()).isFalse();
            server.stop(0);
            assertThat(new HttpHealthCheck(template, "/ok").check(addr, t).toCompletableFuture().get()).isFalse();
        } finally {
            server.stop(0);
            group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
