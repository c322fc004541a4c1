package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dyno.router.AccessLogSink;
import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import dyno.router.pool.Pools;
import dyno.router.pool.Transport;
import dyno.router.select.DynoTable;
import dyno.router.select.RoundRobinStrategy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The client-side pipeline alone, in an EmbeddedChannel, on the paths that need no dyno connection. */
class FrontendHandlerTest {
    private EventLoopGroup group;
    private DynoTable table;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final AtomicInteger wakes = new AtomicInteger();
    private EmbeddedChannel channel;

    @BeforeEach
    void setUp() {
        group = Transport.nio().newGroup(1);
        RouterConfig config = RouterConfig.builder().holdTimeout(Duration.ofSeconds(75)).accessLog(AccessLogSink.lines(lines::add)).build();
        table = new DynoTable(new RoundRobinStrategy(), group, config.quarantine(), 2, new RouterListener() {
            @Override
            public void wakeRequested() {
                wakes.incrementAndGet();
            }
        });
        Pools pools = new Pools(group, new Bootstrap(), BackendInitializer.factory(config.maxHeadBytes()), config.dynoKeepAlive(),
                config.maxInFlightPerDyno());
        ProxyContext px = new ProxyContext(config, table, pools);
        channel = new EmbeddedChannel(ProxyInitializer.clientCodec(config), new FrontendHandler(px));
        channel.freezeTime();
    }

    @AfterEach
    void tearDown() {
        assertFalse(channel.finishAndReleaseAll());
        group.shutdownGracefully(0, 0, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private void send(String raw) {
        channel.writeInbound(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1));
    }

    private String output() {
        StringBuilder b = new StringBuilder();
        for (ByteBuf buf = channel.readOutbound(); buf != null; buf = channel.readOutbound()) {
            b.append(buf.toString(StandardCharsets.ISO_8859_1));
            buf.release();
        }
        return b.toString();
    }

    @Test
    void answersH14PageWhenNoDynoIsRegistered() {
        send("GET /a HTTP/1.1\r\nHost: app\r\n\r\n");
        String out = output();
        assertThat(out).startsWith("HTTP/1.1 503 Service Unavailable").contains("H14 No web processes running");
        assertThat(channel.isOpen()).isTrue();
        assertThat(lines).singleElement().asString().startsWith("at=error code=H14");
    }

    @Test
    void answersPipelinedRequestsOneAtATimeInOrder() {
        send("GET /1 HTTP/1.1\r\nHost: app\r\n\r\nGET /2 HTTP/1.1\r\nHost: app\r\n\r\n");
        assertThat(output().split("HTTP/1.1 503", -1)).hasSize(3);
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("path=\"/1\"");
        assertThat(lines.get(1)).contains("path=\"/2\"");
    }

    @Test
    void dropsTheBodyOfARefusedRequestAndKeepsTheConnection() {
        send("POST /a HTTP/1.1\r\nHost: app\r\nContent-Length: 5\r\n\r\n");
        assertThat(output()).startsWith("HTTP/1.1 503");
        send("helloGET /b HTTP/1.1\r\nHost: app\r\n\r\n");
        assertThat(output()).startsWith("HTTP/1.1 503");
        assertThat(channel.isOpen()).isTrue();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains("path=\"/b\"");
    }

    @Test
    void answersThousandsOfPipelinedRefusedRequestsWithoutDeepRecursion() {
        send("GET / HTTP/1.1\r\nHost: a\r\n\r\n".repeat(3000));
        assertThat(output().split("HTTP/1.1 503", -1)).hasSize(3001);
        assertThat(lines).hasSize(3000);
    }

    @Test
    void refusesChunkedBodyWithContentLengthAndCloses() {
        send("POST / HTTP/1.1\r\nHost: app\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n");
        assertThat(output()).startsWith("HTTP/1.1 400 Bad Request").containsIgnoringCase("Connection: close");
        channel.runPendingTasks();
        assertThat(channel.isOpen()).isFalse();
        assertThat(lines).singleElement().asString().contains("both Content-Length and Transfer-Encoding");
    }

    @Test
    void holdsARequestThenAnswersH20AfterTheHoldTimeout() {
        table.hold(true);
        send("GET / HTTP/1.1\r\nHost: app\r\n\r\n");
        assertThat(output()).isEmpty();
        assertThat(wakes).hasValue(1);
        assertThat(table.held()).isEqualTo(1);
        channel.advanceTimeBy(75, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(output()).startsWith("HTTP/1.1 503").contains("H20 App boot timeout");
        assertThat(table.held()).isZero();
    }

    @Test
    void answersH11WhenMoreRequestsWaitThanMayBeHeld() {
        table.hold(true);
        table.waitingRoom().tryHold(() -> { });
        table.waitingRoom().tryHold(() -> { });
        send("GET / HTTP/1.1\r\nHost: app\r\n\r\n");
        assertThat(output()).startsWith("HTTP/1.1 503").contains("H11 Backlog too deep");
        table.hold(false);
    }

    @Test
    void answersH14ToHeldRequestsWhenHoldingStops() {
        table.hold(true);
        send("GET / HTTP/1.1\r\nHost: app\r\n\r\n");
        table.hold(false);
        channel.runPendingTasks();
        assertThat(output()).startsWith("HTTP/1.1 503").contains("H14");
    }
}
