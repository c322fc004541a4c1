package dyno.router.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersFrame;
import io.netty.handler.codec.http2.Http2DataFrame;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2ResetFrame;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamChannelBootstrap;
import io.netty.util.ReferenceCountUtil;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A raw HTTP/2 client with prior knowledge (h2c) on Netty's frame API, for what HttpClient cannot do. */
public final class H2Client implements AutoCloseable {
    /** A stream's outcome: its status and body, or the reset that ended it. */
    public record Response(int status, Http2Headers headers, byte[] body, long resetCode) {
        public String text() {
            return new String(body, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel parent;
    public final BlockingQueue<Http2GoAwayFrame> goAways = new LinkedBlockingQueue<>();
    public final CompletableFuture<io.netty.handler.codec.http2.Http2Settings> settings = new CompletableFuture<>();

    private H2Client(int port) throws InterruptedException {
        Bootstrap b = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                Http2FrameCodec codec = Http2FrameCodecBuilder.forClient()
                        .encoderEnforceMaxRstFramesPerWindow(0, 0) // the tests reset on purpose
                        .encoderIgnoreMaxHeaderListSize(true) // and send heads past the server's limit
                        .encoderEnforceMaxQueuedControlFrames(0) // never the one to give up on a flood
                        .build();
                ch.pipeline().addLast(codec, new Http2MultiplexHandler(new ChannelInboundHandlerAdapter()),
                        new ChannelInboundHandlerAdapter() {
                            @Override
                            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                if (msg instanceof Http2GoAwayFrame g) {
                                    goAways.add((Http2GoAwayFrame) g.retain());
                                } else if (msg instanceof Http2SettingsFrame s) {
                                    settings.complete(s.settings());
                                }
                                ReferenceCountUtil.release(msg);
                            }
                        });
            }
        });
        parent = b.connect("127.0.0.1", port).sync().channel();
    }

    public static H2Client connect(int port) throws InterruptedException {
        return new H2Client(port);
    }

    public Channel channel() {
        return parent;
    }

    /** Sends a request (headers only, or with {@code body}); completes with its response. */
    public CompletableFuture<Response> request(String method, String path, Map<String, String> extra, byte[] body) {
        CompletableFuture<Response> done = new CompletableFuture<>();
        Http2StreamChannelBootstrap sb = new Http2StreamChannelBootstrap(parent).handler(new Collector(done));
        sb.open().addListener(f -> {
            if (!f.isSuccess()) {
                done.completeExceptionally(f.cause());
                return;
            }
            Http2StreamChannel s = (Http2StreamChannel) f.getNow();
            Http2Headers h = new DefaultHttp2Headers().method(method).path(path).scheme("http").authority("localhost");
            extra.forEach(h::add);
            boolean noBody = body == null || body.length == 0;
            s.write(new DefaultHttp2HeadersFrame(h, noBody));
            if (!noBody) {
                s.write(new io.netty.handler.codec.http2.DefaultHttp2DataFrame(
                        io.netty.buffer.Unpooled.wrappedBuffer(body), true));
            }
            s.flush();
        });
        return done;
    }

    public CompletableFuture<Response> get(String path) {
        return request("GET", path, Map.of(), null);
    }

    /** Opens {@code n} streams, each sending a request head then resetting it at once (CVE-2023-44487). */
    public void rapidReset(int n) {
        parent.eventLoop().execute(() -> {
            for (int i = 0; i < n && parent.isActive(); i++) {
                Http2StreamChannelBootstrap sb = new Http2StreamChannelBootstrap(parent)
                        .handler(new ChannelInboundHandlerAdapter());
                sb.open().addListener(f -> {
                    if (f.isSuccess()) {
                        Http2StreamChannel s = (Http2StreamChannel) f.getNow();
                        s.write(new DefaultHttp2HeadersFrame(new DefaultHttp2Headers().method("GET").path("/slow?ms=2000")
                                .scheme("http").authority("localhost"), true));
                        s.flush();
                        s.close(); // RST_STREAM CANCEL
                    }
                });
            }
        });
    }

    /**
     * Sends PING frames without reading the acknowledgements (auto-read off), in batches, until the
     * connection closes or {@code max} were sent; returns how many were sent.
     */
    public long pingFlood(long max) throws InterruptedException {
        parent.config().setAutoRead(false);
        long sent = 0;
        while (sent < max && parent.isActive()) {
            CompletableFuture<Void> batch = new CompletableFuture<>();
            long base = sent;
            parent.eventLoop().execute(() -> {
                for (int i = 0; i < 5000 && parent.isActive(); i++) {
                    parent.write(new io.netty.handler.codec.http2.DefaultHttp2PingFrame(base + i));
                }
                parent.flush();
                batch.complete(null);
            });
            try {
                batch.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                break;
            }
            sent += 5000;
            while (parent.isActive() && !parent.isWritable()) {
                Thread.sleep(1); // the server reads; wait for the socket to drain a little
            }
        }
        return sent;
    }

    private static final class Collector extends ChannelInboundHandlerAdapter {
        private final CompletableFuture<Response> done;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private Http2Headers head;

        Collector(CompletableFuture<Response> done) {
            this.done = done;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (msg instanceof Http2HeadersFrame h) {
                    if (head == null || head.status().charAt(0) == '1') {
                        head = h.headers();
                    }
                    if (h.isEndStream()) {
                        finish();
                    }
                } else if (msg instanceof Http2DataFrame d) {
                    ByteBuf c = d.content();
                    byte[] bytes = new byte[c.readableBytes()];
                    c.readBytes(bytes);
                    body.writeBytes(bytes);
                    if (d.isEndStream()) {
                        finish();
                    }
                } else if (msg instanceof Http2ResetFrame r) {
                    done.complete(new Response(head == null ? 0 : Integer.parseInt(head.status().toString()), head,
                            body.toByteArray(), r.errorCode()));
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        private void finish() {
            done.complete(new Response(Integer.parseInt(head.status().toString()), head, body.toByteArray(), -1));
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            done.completeExceptionally(new IllegalStateException("stream closed without a response"));
        }
    }

    @Override
    public void close() {
        parent.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        for (Http2GoAwayFrame g = goAways.poll(); g != null; g = goAways.poll()) {
            g.release();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
