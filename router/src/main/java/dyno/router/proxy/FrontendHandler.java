package dyno.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP/1.x client connection: its framing and pipelining, the request head's timeout and
 * memory budget, keep-alive, error pages, and the tunnel after an upgrade. The exchange with the
 * dyno itself is a {@link DynoExchange}, one per connection, reused from request to request.
 * Everything here, the dyno connection included, runs on the client channel's event loop.
 *
 * <p>Requests are handled one at a time in arrival order: once a request is fully received the
 * client is not read again until its exchange has ended, which is after the dyno's last response byte
 * and the end of the read that carried it (pipelined requests wait in {@link #inbound}). Bodies
 * stream: the client is read only while the dyno connection is writable, the dyno only while the
 * client connection is writable.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter implements ClientSide {
    private static final Logger logger = LoggerFactory.getLogger(FrontendHandler.class);

    /** Bodies of refused requests up to this size are read and dropped to keep the connection. */
    private static final long MAX_DISCARD = 1024 * 1024;

    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 16\r\nConnection: close\r\n\r\nRequest Timeout\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 23\r\nConnection: close\r\nRetry-After: 1\r\n\r\nRouter memory is full\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /**
     * AWAIT: between requests. EXCHANGE: a request's exchange is under way ({@link DynoExchange}).
     * DISCARD: dropping the body of a refused request. TUNNEL: an upgraded connection.
     */
    private enum State { AWAIT, EXCHANGE, DISCARD, TUNNEL, CLOSED }

    private final ProxyContext px;
    /** Timeouts and limits, read once per exchange: a reconfiguration applies from the next request on. */
    private ProxySettings settings;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);

    private ChannelHandlerContext ctx;
    private Channel client;
    private ClientCodec codec;
    private DynoExchange exchange;
    /** {@code exchange.ex}: the fields of the exchange under way, or of the last one. */
    private Exchange ex;
    private Tunnel tunnel;
    private LazyTimer timer;
    private ClientAddress address = ClientAddress.UNKNOWN;
    private State state = State.AWAIT;
    private long lastClientActivity;
    /** When the request head being received began (accept, or its first byte); 0 between requests. */
    private long headStartNanos;
    /** Bytes of the head being received, taken from the router's head budget. */
    private long headReserved;
    private ChannelHandlerContext watchCtx;
    private boolean processing;
    /** This connection counts in the router's open tunnels. */
    private boolean tunnelCounted;

    /** Whether the connection came through a TLS listener. */
    private final boolean secure;

    FrontendHandler(ProxyContext px) {
        this(px, false);
    }

    FrontendHandler(ProxyContext px, boolean secure) {
        this.px = px;
        this.secure = secure;
    }

    // ---- client side events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.client = ctx.channel();
        this.codec = ctx.pipeline().get(ClientCodec.class);
        this.timer = new LazyTimer(ctx.executor(), this::onTimer);
        this.exchange = new DynoExchange(px, this, client);
        this.ex = exchange.ex;
        this.address = ClientAddress.of(client.remoteAddress(), client.localAddress(), secure);
        settings = px.settings();
        lastClientActivity = System.nanoTime();
        headStartNanos = lastClientActivity; // the first request head is due within the header timeout
        timer.arm(Math.min(settings.idleNanos, settings.headerNanos));
        ctx.read();
    }

    /** The handler to put before the codec: it tells this one of every read, partial heads included. */
    ChannelHandler readWatch() {
        return new ReadWatch();
    }

    private final class ReadWatch extends ChannelInboundHandlerAdapter {
        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            watchCtx = ctx;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            int bytes = msg instanceof ByteBuf b ? b.readableBytes() : 0;
            onClientBytes();
            ctx.fireChannelRead(msg);
            holdUnfinishedHead(bytes);
        }
    }

    /** Raw bytes arrived; the decoder may not have a message yet (a head trickling in). */
    private void onClientBytes() {
        lastClientActivity = System.nanoTime();
        if (state == State.AWAIT && headStartNanos == 0) {
            headStartNanos = lastClientActivity;
            timer.arm(settings.headerNanos);
        }
    }

    /**
     * After the decoder saw a read: when it left a request head unfinished, that read's bytes are
     * taken from the router's head budget, and the connection is refused when it is spent. A head
     * that arrives whole in one read (nearly all of them) costs the budget nothing.
     */
    private void holdUnfinishedHead(int bytes) {
        if (state != State.AWAIT || headStartNanos == 0 || bytes == 0) {
            return;
        }
        if (!px.heads.tryReserve(bytes)) {
            RouterTrouble.headBudgetSpent(logger, px.heads.used(), px.heads.limit());
            refuseRaw(BUSY);
            return;
        }
        headReserved += bytes;
    }

    private void releaseHeadBudget() {
        if (headReserved != 0) {
            px.heads.release(headReserved);
            headReserved = 0;
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastClientActivity = System.nanoTime();
        if (state == State.TUNNEL) {
            tunnel.fromClient(msg);
            return;
        }
        if (state == State.CLOSED) {
            ReferenceCountUtil.release(msg);
            return;
        }
        inbound.add(msg);
        process(false);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (state == State.TUNNEL) {
            tunnel.clientReadComplete();
            return;
        }
        exchange.flushToDyno();
        maybeReadClient();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (!client.isWritable()) {
            return;
        }
        if (state == State.TUNNEL) {
            tunnel.clientWritable();
        } else {
            exchange.clientWritable();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientClosed();
        }
        if (state == State.TUNNEL) {
            tunnel.close(true);
        }
        state = State.CLOSED;
        if (timer != null) {
            timer.cancel();
        }
        if (tunnelCounted) {
            tunnelCounted = false;
            px.tunnelClosed();
        }
        releaseHeadBudget();
        releaseInbound();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("[{}] client connection failed", ctx.channel().id(), cause);
        ctx.close();
    }

    /** Removed before any request (the connection turned out to be HTTP/2): gives back what it holds. */
    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (state == State.CLOSED || client == null || !client.isActive()) {
            return; // closed: channelInactive gave everything back
        }
        state = State.CLOSED;
        timer.cancel();
        exchange.clientClosed();
        releaseHeadBudget();
        releaseInbound();
    }

    // ---- request path ----

    /** Moves queued client messages forward as far as the state allows. Bounded by the queue. */
    private void process(boolean flush) {
        if (processing) {
            return; // re-entered through a request that ended at once: the outer loop goes on
        }
        processing = true;
        try {
            processQueue(flush);
        } finally {
            processing = false;
        }
    }

    private void processQueue(boolean flush) {
        boolean wrote = false;
        for (Object msg = inbound.peek(); msg != null; msg = inbound.peek()) {
            if (state == State.AWAIT) {
                inbound.poll();
                if (msg instanceof HttpRequest req) {
                    startRequest(req);
                } else {
                    ReferenceCountUtil.release(msg); // left over from a refused request
                }
            } else if (state == State.EXCHANGE && exchange.acceptsBody()) {
                inbound.poll();
                exchange.onRequestContent(msg);
                wrote = true;
            } else if (state == State.DISCARD) {
                inbound.poll();
                if (msg instanceof LastHttpContent) {
                    state = State.AWAIT;
                }
                ReferenceCountUtil.release(msg);
            } else {
                break; // an exchange routing, or waiting for its response: the next request waits
            }
        }
        if (flush && wrote) {
            exchange.flushToDyno();
        }
    }

    private void startRequest(HttpRequest req) {
        settings = px.settings();
        headStartNanos = 0;
        releaseHeadBudget();
        timer.disarm(); // the exchange keeps its own deadlines
        state = State.EXCHANGE;
        exchange.start(req, settings, address);
    }

    private void maybeReadClient() {
        if (!inbound.isEmpty()) {
            return;
        }
        if (state == State.AWAIT || state == State.DISCARD || (state == State.EXCHANGE && exchange.wantsBody())) {
            ctx.read();
        }
    }

    // ---- what the exchange asks of this connection (ClientSide) ----

    @Override
    public void forwardQueued() {
        process(false);
    }

    @Override
    public void readRequestBody() {
        maybeReadClient();
    }

    @Override
    public long lastClientActivity() {
        return lastClientActivity;
    }

    @Override
    public void answering(boolean headRequest) {
        codec.answeringHead(headRequest);
    }

    @Override
    public void exchangeComplete() {
        if (ex.closeAfterResponse || !ex.receivedAll) {
            closeClient();
            return;
        }
        state = State.AWAIT;
        ex.clear();
        timer.arm(settings.idleNanos);
        process(true);
        maybeReadClient();
    }

    @Override
    public void exchangeFailed(RouteError error, boolean canAnswer) {
        if (state == State.CLOSED) {
            return;
        }
        if (!canAnswer) {
            closeClient();
            return;
        }
        discardRestOfRequest();
        HttpRequest req = ex.request;
        boolean keepAlive = error.code() != null && ex.clientKeepAlive
                && (ex.receivedAll || (req != null && !HttpUtil.isTransferEncodingChunked(req)
                && HttpUtil.getContentLength(req, 0L) >= 0
                && HttpUtil.getContentLength(req, 0L) <= MAX_DISCARD));
        codec.answeringHead(ex.headRequest);
        ChannelFuture written = client.writeAndFlush(ErrorPage.of(error, keepAlive));
        if (!keepAlive) {
            state = State.CLOSED;
            timer.cancel();
            releaseInbound();
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        state = ex.receivedAll ? State.AWAIT : State.DISCARD; // DISCARD: drop the body still to come
        ex.clear();
        timer.arm(settings.idleNanos);
        process(true);
        maybeReadClient();
    }

    @Override
    public void upgraded(Channel dyno, BackendHandler handler) {
        state = State.TUNNEL;
        tunnelCounted = true; // until the client connection closes, which every end of a tunnel does
        px.tunnelOpened();
        tunnel = new Tunnel(client, dyno, handler, this::closeClient);
        // Bytes after the 101 flow raw both ways; the codecs' leftovers are passed on as they go.
        client.pipeline().remove(ProxyInitializer.CODEC);
        releaseInbound();
        if (dyno.pipeline().get(BackendInitializer.CODEC) != null) {
            dyno.pipeline().remove(BackendInitializer.CODEC);
        }
        tunnel.start();
        lastClientActivity = System.nanoTime();
        timer.arm(settings.idleNanos);
    }

    // ---- endings ----

    private void discardRestOfRequest() {
        while (!ex.receivedAll) {
            Object msg = inbound.poll();
            if (msg == null) {
                return;
            }
            if (msg instanceof LastHttpContent) {
                ex.receivedAll = true;
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private void closeClient() {
        state = State.CLOSED;
        timer.cancel();
        releaseInbound();
        if (client.isActive()) {
            client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
    }

    private void releaseInbound() {
        for (Object msg = inbound.poll(); msg != null; msg = inbound.poll()) {
            ReferenceCountUtil.release(msg);
        }
    }

    /** Answers with fixed bytes written before the codec, which has no request to answer, and closes. */
    private void refuseRaw(byte[] response) {
        state = State.CLOSED;
        timer.cancel();
        releaseHeadBudget();
        releaseInbound();
        ChannelHandlerContext w = watchCtx;
        if (w != null && client.isActive()) {
            w.writeAndFlush(Unpooled.wrappedBuffer(response)).addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
    }

    // ---- the connection's timer: between requests and in a tunnel ----

    private void onTimer() {
        long now = System.nanoTime();
        long idle = settings.idleNanos;
        switch (state) {
            case AWAIT, DISCARD -> {
                boolean heading = state == State.AWAIT && headStartNanos != 0;
                if (state == State.AWAIT && !inbound.isEmpty()) {
                    timer.arm(idle); // a partial request is pending: the decoder is still reading it
                } else if (heading && now - headStartNanos >= settings.headerNanos) {
                    logger.debug("[{}] request head not received within {} ms: 408, closing", client.id(),
                            TimeUnit.NANOSECONDS.toMillis(now - headStartNanos));
                    refuseRaw(REQUEST_TIMEOUT); // a slowloris, or a connection that never sent a head
                } else if (now - lastClientActivity >= idle) {
                    closeClient(); // keep-alive connection idle: close quietly
                } else {
                    long next = lastClientActivity + idle - now;
                    timer.arm(heading ? Math.min(next, headStartNanos + settings.headerNanos - now) : next);
                }
            }
            case TUNNEL -> {
                long last = Math.max(lastClientActivity, tunnel.lastBackendActivity());
                if (now - last >= idle) {
                    tunnel.close(false);
                    closeClient();
                } else {
                    timer.arm(last + idle - now);
                }
            }
            default -> {
            }
        }
    }
}
