package dyno.router.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * One HTTP/2 stream: one request, its {@link DynoExchange}, its response. The stream's child channel
 * reads only while the exchange takes body (auto-read off), so the client's flow-control window is
 * credited only as the dyno takes the body; the dyno is read only while the stream is writable
 * (its window open). An error answered before the response began is an error page on the stream;
 * after, the stream is reset. Runs on the connection's event loop.
 */
final class Http2StreamHandler extends ChannelInboundHandlerAdapter implements ClientSide {
    private final ProxyContext px;
    private final ClientAddress address;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private Channel stream;
    private DynoExchange exchange;
    private boolean started;
    /** The exchange ended: what the client still sends of the request is read and dropped. */
    private boolean discarding;
    private long lastClientActivity;

    Http2StreamHandler(ProxyContext px, ClientAddress address) {
        this.px = px;
        this.address = address;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.stream = ctx.channel();
        this.exchange = new DynoExchange(px, this, stream);
        lastClientActivity = System.nanoTime();
        ctx.read();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastClientActivity = System.nanoTime();
        if (discarding) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (started) {
            inbound.add(msg);
            forwardQueued();
            return;
        }
        if (!(msg instanceof HttpRequest req)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        started = true;
        HttpRequest head = req;
        if (req instanceof FullHttpRequest full) {
            // HEADERS with END_STREAM (or a whole body at once): the head goes alone, its end follows as content
            head = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
            inbound.add(new DefaultLastHttpContent(full.content()));
        }
        stripExtensions(head.headers());
        exchange.start(head, px.settings(), address);
    }

    /** Netty's {@code x-http2-*} conversion headers are the router's, never the dyno's. */
    private static void stripExtensions(HttpHeaders h) {
        for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
            h.remove(n.text());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        exchange.flushToDyno();
        readRequestBody();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (stream.isWritable()) {
            exchange.clientWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientClosed();
        }
        releaseInbound();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    // ---- ClientSide ----

    @Override
    public void forwardQueued() {
        for (Object msg = inbound.peek(); msg != null && exchange.acceptsBody(); msg = inbound.peek()) {
            inbound.poll();
            exchange.onRequestContent(msg);
        }
    }

    @Override
    public void readRequestBody() {
        if (discarding || (inbound.isEmpty() && exchange.wantsBody())) {
            ctx.read();
        }
    }

    @Override
    public long lastClientActivity() {
        return lastClientActivity;
    }

    @Override
    public void answering(boolean headRequest) {
        // HTTP/2 frames the body itself: nothing to tell
    }

    @Override
    public void exchangeComplete() {
        ended();
    }

    @Override
    public void exchangeFailed(RouteError error, boolean canAnswer) {
        if (!canAnswer) {
            stream.close(); // the response began: RST_STREAM
            return;
        }
        FullHttpResponse page = ErrorPage.of(error, true);
        if (exchange.ex.headRequest) {
            FullHttpResponse bodiless = page.replace(Unpooled.EMPTY_BUFFER);
            page.release();
            page = bodiless;
        }
        stream.writeAndFlush(page);
        ended();
    }

    @Override
    public void upgraded(Channel dyno, BackendHandler handler) {
        handler.detach();
        dyno.close(); // HTTP/2 has no Upgrade: a request never asks for one
        stream.close();
    }

    /** The response is out (or on its way): drop the rest of the request, if any. */
    private void ended() {
        boolean all = exchange.ex.receivedAll;
        for (Object msg = inbound.poll(); msg != null; msg = inbound.poll()) {
            all |= msg instanceof LastHttpContent;
            ReferenceCountUtil.release(msg);
        }
        if (!all) {
            discarding = true;
            ctx.read();
        }
    }

    private void releaseInbound() {
        for (Object msg = inbound.poll(); msg != null; msg = inbound.poll()) {
            ReferenceCountUtil.release(msg);
        }
    }
}
