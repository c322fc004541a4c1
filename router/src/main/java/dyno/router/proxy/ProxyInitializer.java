package dyno.router.proxy;

import dyno.router.RouterConfig;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.ssl.SslContext;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pipeline of a client connection: on a TLS listener the {@code SslHandler} and {@link AlpnSwitch},
 * on a plain one {@link PrefaceSniffer}; then a read watch (header timeout and head budget), the
 * validating HTTP/1.x {@link ClientCodec} and {@link FrontendHandler}, which an HTTP/2 connection
 * replaces with {@link Http2Frontend}'s handlers. A connection past the connection limits gets a
 * pipeline that only answers 503 and closes.
 */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
    private static final Logger logger = LoggerFactory.getLogger(ProxyInitializer.class);
    static final String WATCH = "watch";
    static final String CODEC = "http";
    private static final long WARN_INTERVAL_MILLIS = 60_000;

    static final String TLS = "tls";

    private final ProxyContext px;
    /** Null on a plain listener. */
    private final SslContext tls;
    private volatile long lastWarnMillis;

    ProxyInitializer(ProxyContext px, SslContext tls) {
        this.px = px;
        this.tls = tls;
    }

    /**
     * Decoding limits of either side: a start line of at most 8 KB and a whole head of at most
     * {@code maxHeadBytes} (the header block gets what the start line leaves of it).
     */
    static HttpDecoderConfig decoderConfig(int maxHeadBytes, HttpHeadersFactory headers) {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(CheckedHeaders.MAX_LINE)
                .setMaxHeaderSize(maxHeadBytes - CheckedHeaders.MAX_LINE)
                .setMaxChunkSize(16 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true)
                .setHeadersFactory(headers);
    }

    /** The client-side codec with the configured limits. */
    static ClientCodec clientCodec(RouterConfig config) {
        return clientCodec(config.maxHeadBytes());
    }

    private static ClientCodec clientCodec(int maxHeadBytes) {
        return new ClientCodec(decoderConfig(maxHeadBytes, CheckedHeaders.REQUESTS));
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        InetSocketAddress remote = ch.remoteAddress();
        InetAddress client = remote != null ? remote.getAddress() : null;
        px.clientAccepted(ch);
        ProxySettings s = px.settings(); // this connection's limits and head size, whatever is reconfigured later
        if (tls != null) {
            // first: everything after it, the refusal of a connection past the limits included, speaks clear text
            ch.pipeline().addLast(TLS, tls.newHandler(ch.alloc()));
        }
        boolean secure = tls != null;
        ConnectionLimit limit = px.connections;
        boolean perClient = ConnectionLimit.perClient(client, s.maxConnections, s.maxConnectionsPerClient);
        if (!limit.tryAcquire(client, perClient, s.maxConnections, s.maxConnectionsPerClient)) {
            refuse(ch, client, limit, s);
            return;
        }
        ch.closeFuture().addListener(f -> limit.release(client, perClient));
        FrontendHandler frontend = new FrontendHandler(px, secure);
        // HTTP/1.x by default; h2 (by ALPN) or h2c (by its preface) replaces the handlers after this one
        ch.pipeline().addLast(secure ? AlpnSwitch.NAME : PrefaceSniffer.NAME,
                secure ? new AlpnSwitch(px) : new PrefaceSniffer(px, false));
        ch.pipeline().addLast(WATCH, frontend.readWatch());
        ch.pipeline().addLast(CODEC, clientCodec(s.maxHeadBytes));
        ch.pipeline().addLast(frontend);
    }

    private void refuse(SocketChannel ch, InetAddress client, ConnectionLimit limit, ProxySettings s) {
        logger.debug("[{}] connection limit reached ({} open, at most {}, {} per client): 503 to {}", ch.id(),
                limit.open(), s.maxConnections, s.maxConnectionsPerClient, client);
        long now = System.currentTimeMillis();
        if (now - lastWarnMillis >= WARN_INTERVAL_MILLIS) {
            lastWarnMillis = now; // racy on purpose: at worst one extra line per interval
            logger.warn("Connection limit reached ({} open, at most {}, {} per client address): answering 503",
                    limit.open(), s.maxConnections, s.maxConnectionsPerClient);
        }
        ch.pipeline().addLast(Refuse.INSTANCE);
    }

    /**
     * Answers 503, ends its output and drops what the client sends until it closes (at most 1 s):
     * closing with the client's request unread would reset the connection, and the reset can
     * overtake the 503. One for all refused connections.
     */
    @ChannelHandler.Sharable
    private static final class Refuse extends ChannelInboundHandlerAdapter {
        static final Refuse INSTANCE = new Refuse();
        private static final long LINGER_MILLIS = 1000;
        private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 21\r\nConnection: close\r\nRetry-After: 1\r\n\r\nToo many connections\n")
                .getBytes(StandardCharsets.US_ASCII);

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            SocketChannel ch = (SocketChannel) ctx.channel();
            ch.config().setAutoRead(true);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(BUSY)).addListener((ChannelFutureListener) f -> {
                if (f.isSuccess()) {
                    ch.shutdownOutput();
                    ctx.executor().schedule(() -> ch.close(), LINGER_MILLIS, TimeUnit.MILLISECONDS);
                } else {
                    ch.close();
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
