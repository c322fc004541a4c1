package dyno.router.proxy;

import dyno.router.pool.LoopPool;
import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import dyno.router.select.Snapshot;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection and the exchange under way on it. Everything here, including the dyno
 * connection it borrows, runs on the client channel's event loop, so no field needs a lock.
 *
 * <p>Requests are handled one at a time in arrival order: once a request is fully received the
 * client is not read again until its exchange has ended, which is after the dyno's last response byte
 * and the end of the read that carried it (pipelined requests wait in {@link #inbound}). Bodies
 * stream: the client is read only while the dyno connection is writable, the dyno only while the
 * client connection is writable.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(FrontendHandler.class);
    /** Re-selections after a dyno turned out to be draining, or became available while holding. */
    private static final int MAX_RESELECT = 16;

    /** Bodies of refused requests up to this size are read and dropped to keep the connection. */
    private static final long MAX_DISCARD = 1024 * 1024;

    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 16\r\nConnection: close\r\n\r\nRequest Timeout\n").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] BUSY = ("HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 23\r\nConnection: close\r\nRetry-After: 1\r\n\r\nRouter memory is full\r\n")
            .getBytes(StandardCharsets.US_ASCII);

    /**
     * AWAIT: between requests. ROUTING: choosing or connecting to a dyno, or held. FORWARDING: the
     * exchange streams. ENDING: the response ended; the rest of the dyno's read is still being
     * decoded before its connection may be pooled and the next request may start. DISCARD: dropping
     * the body of a refused request. TUNNEL: an upgraded connection.
     */
    private enum State { AWAIT, ROUTING, FORWARDING, ENDING, DISCARD, TUNNEL, CLOSED }

    private final ProxyContext px;
    private final DynoTable table;
    /** Timeouts and limits, read once per exchange: a reconfiguration applies from the next request on. */
    private ProxySettings settings;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
    private final Exchange ex = new Exchange();
    private final ChannelFutureListener connectListener = this::onConnect;
    private final DynoTable.Held holdHandle = this::releaseHeld;

    private ChannelHandlerContext ctx;
    private Channel client;
    private ClientCodec codec;
    private LoopPool pool;
    private LazyTimer timer;
    private String clientIp = "";
    private String localHost = "";
    private int localPort;
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
    private Channel backend;
    private BackendHandler backendHandler;

    FrontendHandler(ProxyContext px) {
        this.px = px;
        this.table = px.table;
    }

    // ---- client side events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.client = ctx.channel();
        this.codec = ctx.pipeline().get(ClientCodec.class);
        this.timer = new LazyTimer(ctx.executor(), this::onTimer);
        this.pool = px.pools.forLoop(client.eventLoop());
        SocketAddress remote = client.remoteAddress();
        if (remote instanceof InetSocketAddress r) {
            clientIp = r.getAddress() != null ? r.getAddress().getHostAddress() : r.getHostString();
        }
        SocketAddress local = client.localAddress();
        if (local instanceof InetSocketAddress l) {
            localPort = l.getPort();
            String ip = l.getAddress() != null ? l.getAddress().getHostAddress() : l.getHostString();
            localHost = (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + localPort;
        }
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
            Channel b = backend;
            if (b != null && msg instanceof ByteBuf) {
                b.write(msg, b.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
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
        Channel b = backend;
        if (b != null) {
            b.flush();
            if (state == State.TUNNEL) {
                if (!b.isWritable()) {
                    client.config().setAutoRead(false);
                }
                return;
            }
        }
        maybeReadClient();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Channel b = backend;
        if (b != null && client.isWritable()) {
            b.config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        State was = state;
        if (was == State.ROUTING || was == State.FORWARDING) {
            endExchange(RouteError.H27, null);
        } else if (was == State.TUNNEL || was == State.ENDING) {
            releaseDyno();
            Channel b = backend;
            detachBackend();
            if (b != null) {
                flushAndClose(b);
            }
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
            } else if (state == State.FORWARDING && !ex.receivedAll) {
                inbound.poll();
                forwardContent(msg);
                wrote = true;
            } else if (state == State.DISCARD) {
                inbound.poll();
                if (msg instanceof LastHttpContent) {
                    state = State.AWAIT;
                }
                ReferenceCountUtil.release(msg);
            } else {
                break; // ROUTING: wait for a dyno; FORWARDING, all received, or ENDING: wait for the response
            }
        }
        if (flush && wrote && backend != null) {
            backend.flush();
        }
    }

    private void forwardContent(Object msg) {
        if (!(msg instanceof HttpContent content)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (content.decoderResult().isFailure()) {
            content.release();
            fail(RouteError.BAD_REQUEST, "malformed body");
            return;
        }
        ex.bodyBytesSent += content.content().readableBytes();
        if (content instanceof LastHttpContent last) {
            ex.receivedAll = true;
            ex.requestSentNanos = System.nanoTime();
            timer.arm(settings.firstByteNanos);
            if (!last.trailingHeaders().isEmpty()) {
                content = new DefaultLastHttpContent(last.content()); // trailers dropped: the dyno never sees them
            }
        }
        backend.write(content, backend.voidPromise());
    }

    private void startRequest(HttpRequest req) {
        ex.clear();
        settings = px.settings();
        headStartNanos = 0;
        releaseHeadBudget();
        long nowMillis = System.currentTimeMillis();
        px.requestReceived(nowMillis);
        ex.startNanos = System.nanoTime();
        RequestHeads.Refusal refusal = RequestHeads.prepare(req, ex, clientIp, localHost, localPort, nowMillis);
        if (refusal != null) {
            fail(refusal.error(), refusal.detail());
            return;
        }
        state = State.ROUTING;
        route();
    }

    /** Chooses a dyno and connects, or holds, or fails. Runs again after each failed connect. */
    private void route() {
        for (int i = 0; i < MAX_RESELECT; i++) {
            Snapshot s = table.snapshot();
            if (s.isEmpty()) {
                if (ex.lastConnectFailure != null) {
                    fail(ex.lastConnectFailure.kind(), null);
                    return;
                }
                DynoTable.HoldResult hold = table.tryHold(holdHandle);
                switch (hold) {
                    case HELD -> {
                        ex.held = true;
                        timer.arm(settings.holdNanos);
                        return;
                    }
                    case DYNO_AVAILABLE -> {
                        continue;
                    }
                    case FULL -> {
                        fail(RouteError.H11, "too many requests held");
                        return;
                    }
                    default -> {
                        fail(s.registered() == 0 ? RouteError.H14 : RouteError.H10, null);
                        return;
                    }
                }
            }
            Dyno d;
            if (settings.queueNanos > 0) {
                // HAProxy's maxconn and queue: a dyno with room, else wait for one
                d = table.selectWithRoom(s, settings.maxInFlightPerDyno);
                if (d == null) {
                    DynoTable.QueueResult q = table.tryQueue(holdHandle, settings.maxInFlightPerDyno);
                    if (q == DynoTable.QueueResult.QUEUED) {
                        ex.queued = true;
                        timer.arm(settings.queueNanos);
                        return;
                    }
                    if (q == DynoTable.QueueResult.FULL) {
                        fail(RouteError.H11, "queue full");
                        return;
                    }
                    continue; // room appeared meanwhile
                }
            } else if (table.appInFlight() >= (long) settings.maxInFlightPerDyno * s.size()) {
                fail(RouteError.H11, null);
                return;
            } else {
                d = table.select(s);
            }
            if (pool == null) {
                throw new IllegalStateException("channel " + client + " is not on a router event loop");
            }
            if (!table.acquire(d)) {
                continue; // started draining since the snapshot was taken
            }
            ex.dyno = d;
            ex.attempts++;
            Channel pooled = pool.poll(d);
            if (pooled != null) {
                ex.connectMs = 0;
                ex.connectNanos = 0;
                ex.reusedConnection = true;
                attach(pooled);
                return;
            }
            connect(d);
            return;
        }
        fail(RouteError.H10, "dynos kept changing");
    }

    private void connect(Dyno d) {
        ex.reusedConnection = false;
        ex.connectStartNanos = System.nanoTime();
        pool.connect(d).addListener(connectListener);
    }

    private void onConnect(ChannelFuture f) {
        if (!client.eventLoop().inEventLoop()) {
            // A channel that could not even be created (no descriptor left) completes on another executor.
            client.eventLoop().execute(() -> onConnect(f));
            return;
        }
        if (state != State.ROUTING || ex.dyno == null) {
            f.channel().close(); // the client left meanwhile; the exchange already ended
            return;
        }
        if (f.isSuccess()) {
            ex.connectNanos = System.nanoTime() - ex.connectStartNanos;
            ex.connectMs = TimeUnit.NANOSECONDS.toMillis(ex.connectNanos);
            attach(f.channel());
            return;
        }
        RouteException failure = RouteException.connectFailed(f.cause());
        if (failure.kind() == RouteError.H99) {
            RouterTrouble.outOfDescriptors(logger, f.cause());
            fail(RouteError.H99, failure.getMessage()); // the router's own failure: no dyno is blamed
            return;
        }
        logger.debug("[{}] connect to {} failed ({}), attempt {}", client.id(), ex.dyno, failure.kind(), ex.attempts);
        ex.lastConnectFailure = failure;
        Dyno failed = ex.dyno;
        ex.dyno = null;
        table.quarantine(failed);
        table.release(failed);
        if (ex.attempts >= settings.maxAttempts) {
            fail(failure.kind(), null);
        } else {
            route();
        }
    }

    private void attach(Channel ch) {
        backend = ch;
        backendHandler = ch.pipeline().get(BackendHandler.class);
        backendHandler.attach(this);
        backendHandler.codec().expectResponse(ex.headRequest);
        HttpHeaders h = ex.request.headers();
        long now = System.nanoTime();
        h.set(Headers.CONNECT_TIME, SmallNumbers.of(ex.connectMs));
        h.set(Headers.TOTAL_ROUTE_TIME, SmallNumbers.of(TimeUnit.NANOSECONDS.toMillis(now - ex.startNanos)));
        state = State.FORWARDING;
        if (ex.dispatchNanos == 0) {
            ex.dispatchNanos = now;
        }
        ex.lastBackendActivity = now;
        timer.arm(settings.idleNanos);
        ch.write(ex.request, ch.voidPromise());
        if (ex.retries > 0) {
            ch.write(LastHttpContent.EMPTY_LAST_CONTENT, ch.voidPromise()); // a replay: the request had no body
            timer.arm(settings.firstByteNanos);
        }
        process(false);
        ch.flush();
        maybeReadClient();
    }

    private void maybeReadClient() {
        if (!inbound.isEmpty()) {
            return;
        }
        if (state == State.AWAIT || state == State.DISCARD
                || (state == State.FORWARDING && !ex.receivedAll && backend != null && backend.isWritable())) {
            ctx.read();
        }
    }

    private void releaseHeld() {
        client.eventLoop().execute(() -> {
            if (state == State.ROUTING && (ex.held || ex.queued)) {
                ex.held = false;
                ex.queued = false;
                timer.disarm();
                route();
            }
        });
    }

    // ---- response path (called by BackendHandler on this loop) ----

    void onBackendRead(Object msg) {
        ex.lastBackendActivity = System.nanoTime();
        if (state == State.TUNNEL) {
            if (msg instanceof ByteBuf) {
                client.write(msg, client.voidPromise());
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        if (state != State.FORWARDING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
            Throwable cause = o.decoderResult().cause();
            ReferenceCountUtil.release(msg);
            fail(RouteError.H17, "invalid response from " + ex.dyno.name() + ": " + cause.getMessage());
            return;
        }
        if (msg instanceof HttpResponse res) {
            onResponseHead(res);
            if (state != State.FORWARDING) {
                ReferenceCountUtil.release(msg);
                return;
            }
        }
        if (msg instanceof HttpContent content) {
            onResponseContent(content);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
        if (state == State.FORWARDING && !client.isWritable() && backend != null) {
            backend.config().setAutoRead(false);
        }
    }

    private void onResponseHead(HttpResponse res) {
        int code = res.status().code();
        if (code < 100 || code > 599) {
            fail(RouteError.H17, "status " + code + " from " + ex.dyno.name());
            return;
        }
        boolean reusable = ResponseHeads.reusable(res, ex); // before the version and Connection change
        res.setProtocolVersion(HttpVersion.HTTP_1_1); // the version of the framing the router writes
        if (code == 101) {
            if (!ex.upgradeRequested) {
                fail(RouteError.H17, "101 Switching Protocols to a request that did not ask to upgrade");
                return;
            }
            ex.upgrading = true;
            ex.responseStarted = true;
            ex.status = code;
            Headers.stripHopByHop(res.headers(), true);
            client.write(res, client.voidPromise());
            return;
        }
        if (code < 200) {
            // 100 Continue, 103 Early Hints: relayed, the final response follows. HTTP/1.0 has no 1xx.
            ex.informational = true;
            Headers.stripHopByHop(res.headers(), false);
            if (!ex.clientHttp10) {
                client.write(res, client.voidPromise());
            }
            return;
        }
        ex.responseStarted = true;
        ex.status = code;
        ex.bytes = 0;
        ex.backendReusable = reusable;
        ex.closeAfterResponse |= ResponseHeads.prepare(res, ex);
        codec.answeringHead(ex.headRequest);
        client.write(res, client.voidPromise());
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (ex.upgrading) {
            content.release(); // a 101 has no body: its end starts the tunnel
            if (last) {
                startTunnel();
            }
            return;
        }
        if (ex.informational) {
            ex.informational = !last;
            if (ex.clientHttp10) {
                content.release();
            } else {
                client.write(content, client.voidPromise());
            }
            return;
        }
        if (!ex.responseStarted) {
            content.release();
            return;
        }
        ex.bytes += content.content().readableBytes();
        if (last) {
            ex.log(px, null, null); // before the client can see the end of the response
            client.writeAndFlush(content, client.voidPromise());
            timer.disarm();
            state = State.ENDING; // completed once the rest of this read from the dyno is decoded
        } else {
            client.write(content, client.voidPromise());
        }
    }

    void onBackendReadComplete() {
        client.flush();
        if (state == State.ENDING) {
            completeExchange();
        } else if (state == State.TUNNEL && !client.isWritable() && backend != null) {
            backend.config().setAutoRead(false);
        }
    }

    void onBackendWritabilityChanged() {
        Channel b = backend;
        if (b == null || !b.isWritable()) {
            return;
        }
        if (state == State.TUNNEL) {
            client.config().setAutoRead(true);
        } else if (state == State.FORWARDING) {
            maybeReadClient();
        }
    }

    void onBackendInactive() {
        if (state == State.TUNNEL) {
            backend = null;
            backendHandler = null;
            closeClient();
        } else if (state == State.ENDING) {
            completeExchange();
        } else if (state == State.FORWARDING) {
            boolean answered = backendHandler != null && backendHandler.codec().answered();
            backendHandler = null;
            backend = null;
            if (!answered && replayable()) {
                retry();
            } else {
                fail(ex.responseStarted ? RouteError.H18 : RouteError.H13, null);
            }
        }
    }

    /**
     * A reused connection closed before any response byte, as one does when the dyno's keep-alive
     * timeout races the request: the request is sent once more on a new connection when it had no
     * body and its method is idempotent (HAProxy's {@code retry-on conn-failure empty-response},
     * nginx's {@code proxy_next_upstream}).
     */
    private boolean replayable() {
        return ex.reusedConnection && ex.retries == 0 && !ex.responseStarted && !ex.informational
                && ex.receivedAll && ex.bodyBytesSent == 0 && !ex.upgradeRequested
                && ResponseHeads.idempotent(ex.request.method());
    }

    private void retry() {
        logger.debug("[{}] pooled connection to {} closed before a response: sending again", client.id(), ex.dyno);
        ex.retries++;
        state = State.ROUTING;
        connect(ex.dyno);
    }

    private void startTunnel() {
        ex.upgrading = false;
        client.flush();
        ex.log(px, null, null);
        releaseDyno();
        timer.disarm();
        state = State.TUNNEL;
        tunnelCounted = true; // until the client connection closes, which every end of a tunnel does
        px.tunnelOpened();
        // Bytes after the 101 flow raw both ways; the codecs' leftovers are passed on as they go.
        client.pipeline().remove(ProxyInitializer.CODEC);
        releaseInbound();
        Channel b = backend;
        if (b.pipeline().get(BackendInitializer.CODEC) != null) {
            b.pipeline().remove(BackendInitializer.CODEC);
        }
        b.config().setAutoRead(client.isWritable());
        client.config().setAutoRead(b.isWritable());
        lastClientActivity = System.nanoTime();
        timer.arm(settings.idleNanos);
    }

    // ---- endings ----

    /**
     * The response ended and the dyno's read that carried its end was decoded. The dyno connection
     * goes back to the pool only when its response was framed for reuse, the whole request was sent,
     * and no byte came after the response; then the next pipelined request starts.
     */
    private void completeExchange() {
        Dyno d = ex.dyno;
        releaseDyno();
        Channel b = backend;
        boolean reusable = ex.backendReusable && ex.receivedAll && b.isActive() && backendHandler.codec().clean();
        detachBackend();
        if (reusable) {
            b.config().setAutoRead(true);
            pool.offer(d, b);
        } else {
            b.close();
        }
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

    /** Ends the exchange with an error: answers the error page if nothing was answered yet. */
    private void fail(RouteError error, String detail) {
        if (state == State.CLOSED) {
            return;
        }
        boolean canAnswer = ex.canAnswer();
        endExchange(error, detail);
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

    /** Logs the error, gives back the dyno slot and hold place, closes the dyno connection. */
    private void endExchange(RouteError error, String detail) {
        timer.disarm();
        if (ex.held) {
            ex.held = false;
            table.cancelHold(holdHandle);
        }
        if (ex.queued) {
            ex.queued = false;
            table.cancelQueue(holdHandle);
        }
        ex.log(px, error, detail);
        releaseDyno();
        Channel b = backend;
        detachBackend();
        if (b != null) {
            b.close();
        }
    }

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

    private void releaseDyno() {
        Dyno d = ex.dyno;
        if (d != null) {
            ex.dyno = null;
            table.release(d);
        }
    }

    private void detachBackend() {
        if (backendHandler != null) {
            backendHandler.detach();
        }
        backendHandler = null;
        backend = null;
    }

    private void closeClient() {
        state = State.CLOSED;
        timer.cancel();
        releaseInbound();
        flushAndClose(client);
    }

    private static void flushAndClose(Channel ch) {
        if (ch.isActive()) {
            ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            ch.close();
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

    // ---- the connection's one timer ----

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
            case ROUTING -> {
                if (ex.held) {
                    fail(RouteError.H20, null);
                } else if (ex.queued) {
                    fail(RouteError.H11, "queued past --queue-timeout");
                }
            }
            case FORWARDING -> onForwardingTimer(now, idle);
            case TUNNEL -> {
                long last = Math.max(lastClientActivity, ex.lastBackendActivity);
                if (now - last >= idle) {
                    Channel b = backend;
                    detachBackend();
                    if (b != null) {
                        b.close();
                    }
                    closeClient();
                } else {
                    timer.arm(last + idle - now);
                }
            }
            default -> {
            }
        }
    }

    private void onForwardingTimer(long now, long idle) {
        if (ex.responseStarted || ex.informational) {
            if (now - ex.lastBackendActivity >= idle) {
                fail(client.isWritable() ? RouteError.H15 : RouteError.H28, null);
            } else {
                timer.arm(ex.lastBackendActivity + idle - now);
            }
        } else if (ex.receivedAll) {
            long deadline = ex.requestSentNanos + settings.firstByteNanos;
            if (now >= deadline) {
                fail(RouteError.H12, null);
            } else {
                timer.arm(deadline - now);
            }
        } else if (now - lastClientActivity >= idle) {
            fail(backend != null && !backend.isWritable() ? RouteError.H15 : RouteError.H28, null);
        } else {
            timer.arm(lastClientActivity + idle - now);
        }
    }
}
