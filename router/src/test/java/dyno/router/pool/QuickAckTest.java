package dyno.router.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.router.RouterConfig;
import dyno.router.select.Dyno;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TCP_QUICKACK on connections to dynos: set where the transport has it, set again after a read that
 * left a response unfinished, and not after a read that ended it.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QuickAckTest {
    private static final byte[] HEAD = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BODY = "hello".getBytes(StandardCharsets.US_ASCII);

    @Test
    void epollAndIoUringHaveTheOptionNioDoesNot() {
        assertThat(Transport.epoll().quickAck()).isSameAs(EpollChannelOption.TCP_QUICKACK);
        assertThat(Transport.ioUring().quickAck()).isSameAs(IoUringChannelOption.TCP_QUICKACK);
        assertThat(Transport.nio().quickAck()).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void reArmsAfterAReadThatLeftTheResponseUnfinishedOnly(String name) throws Exception {
        Transport transport = transport(name);
        EventLoopGroup group = transport.newGroup(1);
        Semaphore sendBody = new Semaphore(0);
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread app = new Thread(() -> serve(server, sendBody), "quickack-test-app");
            app.setDaemon(true);
            app.start();
            BlockingQueue<String> events = new LinkedBlockingQueue<>();
            Bootstrap template = ChannelSettings.backend(new Bootstrap().group(group), transport, RouterConfig.defaults());
            LoopPool pool = new Pools(group, template, (dyno, p) -> new ChannelInitializer<>() {
                @Override
                protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpClientCodec(), new ExchangeEnd(dyno, p, events));
                }
            }, Duration.ofMinutes(1), 64).forLoop((EventLoop) group.next());
            Dyno dyno = new Dyno("web.1", new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getLocalPort()));
            Channel ch = pool.loop().submit(() -> pool.connect(dyno)).get().sync().channel();
            ChannelOption<Boolean> quickAck = transport.quickAck();
            QuickAckHandler handler = ch.pipeline().get(QuickAckHandler.class);
            assertThat(handler != null).isEqualTo(quickAck != null);

            for (int i = 1; i <= 3; i++) {
                // "/split": the app sends the head, then the body only once the router has read the head.
                ch.writeAndFlush(request("/split")).sync();
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("head");
                // A task on the loop runs after the read that delivered the head has completed.
                assertThat(pool.loop().submit(() -> quickAck != null && ch.config().getOption(quickAck)).get())
                        .as("TCP_QUICKACK while response %d is unfinished", i).isEqualTo(quickAck != null);
                long afterHead = pool.loop().submit(() -> handler == null ? 0 : handler.rearmed()).get();
                sendBody.release();
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("end");
                // "/whole": head and body in one write, one read: nothing to re-arm for.
                ch.writeAndFlush(request("/whole")).sync();
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("head");
                assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("end");
                long afterWhole = pool.loop().submit(() -> handler == null ? 0 : handler.rearmed()).get();
                assertThat(afterHead).isEqualTo(handler == null ? 0 : i);
                assertThat(afterWhole).as("re-armed after reads that ended a response").isEqualTo(afterHead);
            }
            ch.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static Transport transport(String name) {
        assumeTrue(!name.equals("io_uring") || IoUring.isAvailable(), "io_uring is not available here");
        assumeTrue(!name.equals("epoll") || Epoll.isAvailable(), "epoll is not available here");
        return switch (name) {
            case "io_uring" -> Transport.ioUring();
            case "epoll" -> Transport.epoll();
            default -> Transport.nio();
        };
    }

    private static FullHttpRequest request(String path) {
        FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        req.headers().set(HttpHeaderNames.HOST, "127.0.0.1");
        return req;
    }

    /** Stands in for the proxy: reports the head and the end, and offers the connection back at the end of the read. */
    private static final class ExchangeEnd extends ChannelInboundHandlerAdapter {
        private final Dyno dyno;
        private final LoopPool pool;
        private final BlockingQueue<String> events;
        private boolean ended;

        ExchangeEnd(Dyno dyno, LoopPool pool, BlockingQueue<String> events) {
            this.dyno = dyno;
            this.pool = pool;
            this.events = events;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof HttpResponse) {
                    events.add("head");
                }
                if (msg instanceof LastHttpContent) {
                    ended = true;
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (ended) { // as the router does: back to the pool once the read that ended the response completes
                ended = false;
                pool.offer(dyno, ctx.channel());
                events.add("end");
            }
        }
    }

    /** One keep-alive connection: "/split" answers head and body in two writes, the body on the test's signal. */
    private static void serve(ServerSocket server, Semaphore sendBody) {
        try (Socket s = server.accept()) {
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (String head = readHead(in); head != null; head = readHead(in)) {
                if (head.startsWith("GET /split ")) {
                    out.write(HEAD);
                    out.flush();
                    if (!sendBody.tryAcquire(10, TimeUnit.SECONDS)) {
                        return;
                    }
                    out.write(BODY);
                } else {
                    byte[] whole = new byte[HEAD.length + BODY.length];
                    System.arraycopy(HEAD, 0, whole, 0, HEAD.length);
                    System.arraycopy(BODY, 0, whole, HEAD.length, BODY.length);
                    out.write(whole);
                }
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the test closed the connection
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        for (int b = in.read(); b >= 0; b = in.read()) {
            head.write(b);
            byte[] h = head.toByteArray();
            int n = h.length;
            if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
                return head.toString(StandardCharsets.US_ASCII);
            }
        }
        return null;
    }
}
