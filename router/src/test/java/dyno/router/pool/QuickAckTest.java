package dyno.router.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.router.RouterConfig;
import dyno.router.select.Dyno;
import dyno.router.testing.TestBackend;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TCP_QUICKACK on connections to dynos: set where the transport has it, and set again after each read. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuickAckTest {

    @Test
    void epollAndIoUringHaveTheOptionNioDoesNot() {
        assertThat(Transport.epoll().quickAck()).isSameAs(EpollChannelOption.TCP_QUICKACK);
        assertThat(Transport.ioUring().quickAck()).isSameAs(IoUringChannelOption.TCP_QUICKACK);
        assertThat(Transport.nio().quickAck()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void aPooledDynoConnectionIsInQuickAckModeAfterEachResponse(String name) throws Exception {
        assumeTrue(!name.equals("io_uring") || IoUring.isAvailable(), "io_uring is not available here");
        assumeTrue(!name.equals("epoll") || Epoll.isAvailable(), "epoll is not available here");
        Transport transport = switch (name) {
            case "io_uring" -> Transport.ioUring();
            case "epoll" -> Transport.epoll();
            default -> Transport.nio();
        };
        EventLoopGroup group = transport.newGroup(1);
        try (TestBackend backend = TestBackend.start("web.1")) {
            BlockingQueue<String> bodies = new LinkedBlockingQueue<>();
            Bootstrap template = ChannelSettings.backend(new Bootstrap().group(group), transport, RouterConfig.defaults());
            Pools pools = new Pools(group, template, (dyno, pool) -> new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1024),
                            new SimpleChannelInboundHandler<FullHttpResponse>() {
                                @Override
                                protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                                    bodies.add(res.content().toString(StandardCharsets.US_ASCII));
                                }
                            });
                }
            }, Duration.ofSeconds(2));
            LoopPool pool = pools.forLoop((EventLoop) group.next());
            Dyno dyno = new Dyno("web.1", backend.address());
            Channel ch = pool.loop().submit(() -> pool.connect(dyno)).get().sync().channel();
            ChannelOption<Boolean> quickAck = transport.quickAck();
            // Back-to-back requests on one connection: from the second on, Linux treats it as
            // ping-pong and would delay its ACKs, unless the option is set again after the read.
            for (int i = 0; i < 5; i++) {
                FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
                req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
                ch.writeAndFlush(req).sync();
                assertThat(bodies.poll(10, TimeUnit.SECONDS)).isEqualTo("web.1");
                // A task on the channel's loop runs after the read that delivered the response has completed.
                boolean inQuickAck = ch.eventLoop().submit(() -> quickAck != null && ch.config().getOption(quickAck))
                        .get();
                assertThat(inQuickAck).as("TCP_QUICKACK after response %d", i + 1).isEqualTo(quickAck != null);
            }
            assertThat(ch.pipeline().get(QuickAckHandler.class) != null).isEqualTo(quickAck != null);
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }
}
