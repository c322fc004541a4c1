package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RouterFixture;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 20, unit = TimeUnit.SECONDS)
class WebSocketTunnelTest {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private RouterFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private Channel startEchoServer() throws InterruptedException {
        return new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                        ctx.writeAndFlush(new TextWebSocketFrame("echo:" + f.text()));
                                    }
                                });
                    }
                }).bind("127.0.0.1", 0).sync().channel();
    }

    @Test
    void tunnelsAWebSocketEchoThroughTheRouter() throws Exception {
        Channel server = startEchoServer();
        fx = new RouterFixture(b -> b.idleTimeout(Duration.ofSeconds(10)));
        fx.router.registry().add("web.1", (InetSocketAddress) server.localAddress());

        BlockingQueue<String> received = new LinkedBlockingQueue<>();
        BlockingQueue<Object> events = new LinkedBlockingQueue<>();
        URI uri = URI.create("ws://127.0.0.1:" + fx.router.port() + "/ws");
        Channel client = new Bootstrap().group(group).channel(NioSocketChannel.class)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(65536),
                                new WebSocketClientProtocolHandler(uri, WebSocketVersion.V13, null, false,
                                        new DefaultHttpHeaders(), 65536),
                                new SimpleChannelInboundHandler<TextWebSocketFrame>() {
                                    @Override
                                    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
                                        events.add(evt);
                                    }

                                    @Override
                                    protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame f) {
                                        received.add(f.text());
                                    }
                                });
                    }
                }).connect("127.0.0.1", fx.router.port()).sync().channel();
        try {
            Object evt;
            do {
                evt = events.poll(5, TimeUnit.SECONDS);
            } while (evt != null && evt != WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
            assertThat(evt).isEqualTo(WebSocketClientProtocolHandler.ClientHandshakeStateEvent.HANDSHAKE_COMPLETE);
            for (int i = 0; i < 5; i++) {
                client.writeAndFlush(new TextWebSocketFrame("hello " + i));
                assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:hello " + i);
            }
            String big = "x".repeat(40_000);
            client.writeAndFlush(new TextWebSocketFrame(big));
            assertThat(received.poll(5, TimeUnit.SECONDS)).isEqualTo("echo:" + big);
            assertThat(fx.lastLineFor("/ws")).contains("status=101").contains("dyno=web.1");
            assertThat(fx.router.busy()).as("an open WebSocket keeps the app busy (no idling)").isTrue();
            client.close().sync();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !fx.router.busy());
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }
}
