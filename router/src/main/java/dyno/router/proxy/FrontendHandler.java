package dyno.router.proxy;

import dyno.router.RequestObserver;
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
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
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
 * client is not read again until its response is complete (pipelined requests wait in
 * {@link #inbound}). Bodies stream: the client is read only while the dyno connection is writable,
 * the dyno only while the client connection is writable.
 */
final class FrontendHandler extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(FrontendHandler.class);
    /** Re-selections after a dyno turned out to be draining, or became available while holding. */
    private static final int MAX_RESELECT = 16;

    /** Bodies of refused requests up to this size are read and dropped to keep the connection. */
    private static final long MAX_DISCARD = 1024 * 1024;

    private static final byte[] REQUEST_TIMEOUT = ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 16\r\nConnection: close\r\n\r\nRequest Timeout\n").getBytes(StandardCharsets.US_ASCII);

    private enum State { AWAIT, ROUTING, FORWARDING, DISCARD, TUNNEL, CLOSED }

    private final ProxyContext px;
    private final DynoTable table;
    private final ArrayDeque<Object> inbound = new ArrayDeque<>(4);
    private final Runnable timerTask = this::onTimer;
    private final ChannelFutureListener connectListener = this::onConnect;
    private final DynoTable.Held holdHandle = this::releaseHeld;

    private ChannelHandlerContext ctx;
    private Channel client;
    private LoopPool pool;
    private String clientIp = "";
    private int localPort;
    private State state = State.AWAIT;
    private ScheduledFuture<?> timer;
    private long timerAtNanos;
    private long deadlineNanos;
    private boolean timerArmed;
    private Ticker ticker;
    private long lastClientActivity;
    /** When the request head being received began (accept, or its first byte); 0 between requests. */
    private long headStartNanos;
    private ChannelHandlerContext watchCtx;
    private boolean processing;

    // The exchange under way; reset by clearExchange().
    private HttpRequest request;
    private String method;
    private String path;
    private String host;
    private String requestId;
    private String fwd;
    private boolean clientHttp10;
    private boolean clientKeepAlive;
    private boolean headRequest;
    private boolean upgradeRequested;
    private long startNanos;
    private boolean receivedAll;
    private long requestSentNanos;
    private int attempts;
    private RouteException lastConnectFailure;
    private boolean held;
    private Dyno dyno;
    private Channel backend;
    private BackendHandler backendHandler;
    private long connectStartNanos;
    private long connectMs = -1;
    private long connectNanos = -1;
    private long dispatchNanos;
    private long lastBackendActivity;
    private boolean informational;
    private boolean upgrading;
    private boolean responseStarted;
    private int status;
    private long bytes;
    private boolean backendKeepAlive;
    private boolean closeAfterResponse;

    FrontendHandler(ProxyContext px) {
        this.px = px;
        this.table = px.table;
    }

    // ---- client side events ----

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.ticker = ctx.executor().ticker();
        this.client = ctx.channel();
        this.pool = px.pools.forLoop(client.eventLoop());
        SocketAddress remote = client.remoteAddress();
        if (remote instanceof InetSocketAddress r) {
            clientIp = r.getAddress() != null ? r.getAddress().getHostAddress() : r.getHostString();
        }
        SocketAddress local = client.localAddress();
        if (local instanceof InetSocketAddress l) {
            localPort = l.getPort();
        }
        lastClientActivity = System.nanoTime();
        headStartNanos = lastClientActivity; // the first request head is due within the header timeout
        armTimer(Math.min(px.idleNanos, px.headerNanos));
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
            onClientBytes();
            ctx.fireChannelRead(msg);
        }
    }

    /** Raw bytes arrived; the decoder may not have a message yet (a head trickling in). */
    private void onClientBytes() {
        lastClientActivity = System.nanoTime();
        if (state == State.AWAIT && headStartNanos == 0) {
            headStartNanos = lastClientActivity;
            armTimer(px.headerNanos);
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
        } else if (was == State.TUNNEL) {
            Channel b = backend;
            detachBackend();
            if (b != null) {
                flushAndClose(b);
            }
        }
        state = State.CLOSED;
        cancelTimer();
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
            } else if (state == State.FORWARDING && !receivedAll) {
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
                break; // ROUTING: wait for a dyno; FORWARDING, all received: wait for the response
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
        if (content instanceof LastHttpContent) {
            receivedAll = true;
            requestSentNanos = System.nanoTime();
            armTimer(px.firstByteNanos);
        }
        backend.write(content, backend.voidPromise());
    }

    private void startRequest(HttpRequest req) {
        clearExchange();
        headStartNanos = 0;
        long nowMillis = System.currentTimeMillis();
        px.requestReceived(nowMillis);
        request = req;
        startNanos = System.nanoTime();
        method = req.method().name();
        path = req.uri();
        HttpHeaders h = req.headers();
        host = h.get(HttpHeaderNames.HOST, "");
        fwd = clientIp;
        requestId = "";
        if (req instanceof LastHttpContent) {
            receivedAll = true;
        }
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            String detail = cause instanceof CheckedHeaders.MalformedRequestException m ? m.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            fail(RouteError.BAD_REQUEST, detail);
            return;
        }
        if (h instanceof CheckedHeaders checked) {
            checked.seal();
        }
        String problem = RequestChecks.problem(req);
        if (problem != null) {
            fail(RouteError.BAD_REQUEST, problem);
            return;
        }
        path = req.uri();
        host = h.get(HttpHeaderNames.HOST, "");
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // checked: a lone chunked
        }
        clientHttp10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
        clientKeepAlive = HttpUtil.isKeepAlive(req);
        headRequest = HttpMethod.HEAD.equals(req.method());
        upgradeRequested = Headers.isUpgrade(h);
        Headers.stripHopByHop(h, upgradeRequested);
        requestId = Headers.addForwarding(h, clientIp, localPort, nowMillis);
        fwd = h.get(Headers.X_FORWARDED_FOR);
        req.setProtocolVersion(HttpVersion.HTTP_1_1); // dyno connections are always HTTP/1.1 keep-alive
        state = State.ROUTING;
        route();
    }

    /** Chooses a dyno and connects, or holds, or fails. Runs again after each failed connect. */
    private void route() {
        for (int i = 0; i < MAX_RESELECT; i++) {
            Snapshot s = table.snapshot();
            if (s.isEmpty()) {
                if (lastConnectFailure != null) {
                    fail(lastConnectFailure.kind(), null);
                    return;
                }
                DynoTable.HoldResult hold = table.tryHold(holdHandle);
                switch (hold) {
                    case HELD -> {
                        held = true;
                        armTimer(px.holdNanos);
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
            if (table.appInFlight() >= (long) px.config.maxInFlightPerDyno() * s.size()) {
                fail(RouteError.H11, null);
                return;
            }
            if (pool == null) {
                throw new IllegalStateException("channel " + client + " is not on a router event loop");
            }
            Dyno d = table.select(s);
            if (!table.acquire(d)) {
                continue; // started draining since the snapshot was taken
            }
            dyno = d;
            attempts++;
            Channel pooled = pool.poll(d);
            if (pooled != null) {
                connectMs = 0;
                connectNanos = 0;
                attach(pooled);
                return;
            }
            connectStartNanos = System.nanoTime();
            ChannelFuture f = pool.connect(d);
            f.addListener(connectListener);
            return;
        }
        fail(RouteError.H10, "dynos kept changing");
    }

    private void onConnect(ChannelFuture f) {
        if (state != State.ROUTING || dyno == null) {
            f.channel().close(); // the client left meanwhile; the exchange already ended
            return;
        }
        if (f.isSuccess()) {
            connectNanos = System.nanoTime() - connectStartNanos;
            connectMs = TimeUnit.NANOSECONDS.toMillis(connectNanos);
            attach(f.channel());
            return;
        }
        RouteException failure = RouteException.connectFailed(f.cause());
        logger.debug("[{}] connect to {} failed ({}), attempt {}", client.id(), dyno, failure.kind(), attempts);
        lastConnectFailure = failure;
        Dyno failed = dyno;
        dyno = null;
        table.quarantine(failed);
        table.release(failed);
        if (attempts >= px.config.maxAttempts()) {
            fail(failure.kind(), null);
        } else {
            route();
        }
    }

    private void attach(Channel ch) {
        backend = ch;
        backendHandler = ch.pipeline().get(BackendHandler.class);
        backendHandler.attach(this);
        HttpHeaders h = request.headers();
        long now = System.nanoTime();
        h.set(Headers.CONNECT_TIME, Long.toString(connectMs));
        h.set(Headers.TOTAL_ROUTE_TIME, Long.toString(TimeUnit.NANOSECONDS.toMillis(now - startNanos)));
        state = State.FORWARDING;
        dispatchNanos = now;
        lastBackendActivity = now;
        armTimer(px.idleNanos);
        ch.write(request, ch.voidPromise());
        process(false);
        ch.flush();
        maybeReadClient();
    }

    private void maybeReadClient() {
        if (!inbound.isEmpty()) {
            return;
        }
        if (state == State.AWAIT || state == State.DISCARD
                || (state == State.FORWARDING && !receivedAll && backend != null && backend.isWritable())) {
            ctx.read();
        }
    }

    private void releaseHeld() {
        client.eventLoop().execute(() -> {
            if (state == State.ROUTING && held) {
                held = false;
                disarmTimer();
                route();
            }
        });
    }

    // ---- response path (called by BackendHandler on this loop) ----

    void onBackendRead(Object msg) {
        lastBackendActivity = System.nanoTime();
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
            ReferenceCountUtil.release(msg);
            fail(responseStarted ? RouteError.H18 : RouteError.H13, "invalid response from dyno");
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
        if (code == 101 && upgradeRequested) {
            upgrading = true;
            responseStarted = true;
            status = code;
            Headers.stripHopByHop(res.headers(), true);
            client.write(res, client.voidPromise());
            return;
        }
        if (code < 200) {
            informational = true; // 100 Continue, 103 Early Hints: relayed, the final response follows
            Headers.stripHopByHop(res.headers(), false);
            client.write(res, client.voidPromise());
            return;
        }
        responseStarted = true;
        status = code;
        bytes = 0;
        backendKeepAlive = HttpUtil.isKeepAlive(res);
        HttpHeaders h = res.headers();
        Headers.stripHopByHop(h, false);
        boolean emptyBody = headRequest || code == 204 || code == 304;
        if (!emptyBody) {
            boolean chunked = HttpUtil.isTransferEncodingChunked(res);
            boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
            if (clientHttp10) {
                if (chunked) {
                    HttpUtil.setTransferEncodingChunked(res, false);
                    closeAfterResponse = true;
                } else if (!hasLength) {
                    closeAfterResponse = true;
                }
            } else if (!chunked && !hasLength) {
                HttpUtil.setTransferEncodingChunked(res, true); // dyno closes to end it; the client need not
            }
        }
        if (!clientKeepAlive || closeAfterResponse) {
            closeAfterResponse = true;
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientHttp10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        client.write(res, client.voidPromise());
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (upgrading) {
            client.write(content, client.voidPromise());
            if (last) {
                startTunnel();
            }
            return;
        }
        if (informational) {
            informational = !last;
            client.write(content, client.voidPromise());
            return;
        }
        if (!responseStarted) {
            content.release();
            return;
        }
        bytes += content.content().readableBytes();
        if (last) {
            logAccess(null, null); // before the client can see the end of the response
            client.writeAndFlush(content, client.voidPromise());
            completeExchange();
        } else {
            client.write(content, client.voidPromise());
        }
    }

    void onBackendReadComplete() {
        client.flush();
        if (state == State.TUNNEL && !client.isWritable() && backend != null) {
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
        } else if (state == State.FORWARDING) {
            backendHandler = null;
            backend = null;
            fail(responseStarted ? RouteError.H18 : RouteError.H13, null);
        }
    }

    private void startTunnel() {
        upgrading = false;
        client.flush();
        logAccess(null, null);
        releaseDyno();
        disarmTimer();
        state = State.TUNNEL;
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
        armTimer(px.idleNanos);
    }

    // ---- endings ----

    private void completeExchange() {
        disarmTimer();
        Dyno d = dyno;
        releaseDyno();
        Channel b = backend;
        boolean reusable = backendKeepAlive && receivedAll && b.isActive();
        detachBackend();
        if (reusable) {
            b.config().setAutoRead(true);
            pool.offer(d, b);
        } else {
            b.close();
        }
        if (closeAfterResponse || !receivedAll) {
            closeClient();
            return;
        }
        state = State.AWAIT;
        clearExchange();
        armTimer(px.idleNanos);
        process(true);
        maybeReadClient();
    }

    /** Ends the exchange with an error: answers the error page if nothing was answered yet. */
    private void fail(RouteError error, String detail) {
        if (state == State.CLOSED) {
            return;
        }
        boolean canAnswer = !responseStarted && !informational && !upgrading;
        endExchange(error, detail);
        if (!canAnswer) {
            closeClient();
            return;
        }
        discardRestOfRequest();
        boolean keepAlive = error != RouteError.BAD_REQUEST && clientKeepAlive
                && (receivedAll || (request != null && !HttpUtil.isTransferEncodingChunked(request)
                && HttpUtil.getContentLength(request, 0L) >= 0
                && HttpUtil.getContentLength(request, 0L) <= MAX_DISCARD));
        ChannelFuture written = client.writeAndFlush(ErrorPage.of(error, keepAlive));
        if (!keepAlive) {
            state = State.CLOSED;
            releaseInbound();
            written.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        state = receivedAll ? State.AWAIT : State.DISCARD; // DISCARD: drop the body still to come
        clearExchange();
        armTimer(px.idleNanos);
        process(true);
        maybeReadClient();
    }

    /** Logs the error, gives back the dyno slot and hold place, closes the dyno connection. */
    private void endExchange(RouteError error, String detail) {
        disarmTimer();
        if (held) {
            held = false;
            table.cancelHold(holdHandle);
        }
        logAccess(error, detail);
        releaseDyno();
        Channel b = backend;
        detachBackend();
        if (b != null) {
            b.close();
        }
    }

    private void discardRestOfRequest() {
        while (!receivedAll) {
            Object msg = inbound.poll();
            if (msg == null) {
                return;
            }
            if (msg instanceof LastHttpContent) {
                receivedAll = true;
            }
            ReferenceCountUtil.release(msg);
        }
    }

    private void releaseDyno() {
        Dyno d = dyno;
        if (d != null) {
            dyno = null;
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
        cancelTimer();
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

    private void clearExchange() {
        request = null;
        method = null;
        path = null;
        host = null;
        requestId = null;
        fwd = null;
        clientHttp10 = false;
        clientKeepAlive = false;
        headRequest = false;
        upgradeRequested = false;
        startNanos = 0;
        receivedAll = false;
        requestSentNanos = 0;
        attempts = 0;
        lastConnectFailure = null;
        held = false;
        dyno = null;
        connectStartNanos = 0;
        connectMs = -1;
        connectNanos = -1;
        dispatchNanos = 0;
        informational = false;
        upgrading = false;
        responseStarted = false;
        status = 0;
        bytes = 0;
        backendKeepAlive = false;
        closeAfterResponse = false;
    }

    // ---- timers: one per connection, re-armed as the exchange moves on ----

    // The timer is lazy: re-arming for a later deadline keeps the scheduled check, which re-schedules
    // itself for the rest when it finds the deadline moved; disarming only clears the deadline. So an
    // exchange costs no schedule/cancel pair (allocation and queue work on the loop), yet every
    // deadline fires when it did. Only a closed connection really cancels, to free the handler.

    private void armTimer(long delayNanos) {
        long now = ticker.nanoTime();
        long deadline = now + Math.max(delayNanos, 1);
        deadlineNanos = deadline;
        timerArmed = true;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            if (timerAtNanos - deadline <= 0) {
                return; // the pending check comes first and re-schedules for the rest
            }
            t.cancel(false);
        }
        schedule(now, deadline);
    }

    private void schedule(long now, long at) {
        timerAtNanos = at;
        timer = ctx.executor().schedule(timerTask, at - now, TimeUnit.NANOSECONDS);
    }

    /** Disarms; a check already scheduled finds nothing to do. */
    private void disarmTimer() {
        timerArmed = false;
    }

    /** Disarms and cancels the scheduled check (the connection is done). */
    private void cancelTimer() {
        timerArmed = false;
        ScheduledFuture<?> t = timer;
        if (t != null) {
            timer = null;
            t.cancel(false);
        }
    }

    private void onTimer() {
        timer = null;
        if (!timerArmed) {
            return;
        }
        long tick = ticker.nanoTime(); // the executor's clock, which schedules (mocked in tests)
        if (tick - deadlineNanos < 0) {
            schedule(tick, deadlineNanos);
            return;
        }
        timerArmed = false;
        long now = System.nanoTime();
        long idle = px.idleNanos;
        switch (state) {
            case AWAIT, DISCARD -> {
                boolean heading = state == State.AWAIT && headStartNanos != 0;
                if (state == State.AWAIT && !inbound.isEmpty()) {
                    armTimer(idle); // a partial request is pending: the decoder is still reading it
                } else if (heading && now - headStartNanos >= px.headerNanos) {
                    headerTimedOut(now);
                } else if (now - lastClientActivity >= idle) {
                    closeClient(); // keep-alive connection idle: close quietly
                } else {
                    long next = lastClientActivity + idle - now;
                    armTimer(heading ? Math.min(next, headStartNanos + px.headerNanos - now) : next);
                }
            }
            case ROUTING -> {
                if (held) {
                    fail(RouteError.H20, null);
                }
            }
            case FORWARDING -> onForwardingTimer(now, idle);
            case TUNNEL -> {
                long last = Math.max(lastClientActivity, lastBackendActivity);
                if (now - last >= idle) {
                    Channel b = backend;
                    detachBackend();
                    if (b != null) {
                        b.close();
                    }
                    closeClient();
                } else {
                    armTimer(last + idle - now);
                }
            }
            default -> {
            }
        }
    }

    /**
     * The request head did not arrive in time (a slowloris, or a connection that never sent one):
     * 408 and close. Written before the codec, which has no request to answer.
     */
    private void headerTimedOut(long now) {
        logger.debug("[{}] request head not received within {} ms: 408, closing", client.id(),
                TimeUnit.NANOSECONDS.toMillis(now - headStartNanos));
        state = State.CLOSED;
        cancelTimer();
        releaseInbound();
        ChannelHandlerContext w = watchCtx;
        if (w != null && client.isActive()) {
            w.writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT)).addListener(ChannelFutureListener.CLOSE);
        } else {
            client.close();
        }
    }

    private void onForwardingTimer(long now, long idle) {
        if (responseStarted || informational) {
            if (now - lastBackendActivity >= idle) {
                fail(client.isWritable() ? RouteError.H15 : RouteError.H28, null);
            } else {
                armTimer(lastBackendActivity + idle - now);
            }
        } else if (receivedAll) {
            long deadline = requestSentNanos + px.firstByteNanos;
            if (now >= deadline) {
                fail(RouteError.H12, null);
            } else {
                armTimer(deadline - now);
            }
        } else if (now - lastClientActivity >= idle) {
            fail(backend != null && !backend.isWritable() ? RouteError.H15 : RouteError.H28, null);
        } else {
            armTimer(lastClientActivity + idle - now);
        }
    }

    // ---- access log ----

    private void logAccess(RouteError error, String detail) {
        boolean observed = px.observer != RequestObserver.NONE && (method != null || error == RouteError.BAD_REQUEST);
        boolean logged = method != null && px.accessLogEnabled();
        if (!observed && !logged) {
            return; // neither wanted: not even the clock is read
        }
        long now = System.nanoTime();
        String dynoName = dyno != null ? dyno.name() : null;
        boolean reachedDyno = dispatchNanos != 0;
        int answered = error == null ? status : error.status();
        if (observed) {
            try {
                px.observer.requestCompleted(dynoName, answered, error == null ? null : error.code(),
                        reachedDyno ? connectNanos : -1, reachedDyno ? now - dispatchNanos : -1);
            } catch (RuntimeException e) {
                logger.warn("Request observer failed", e);
            }
        }
        if (!logged) {
            return;
        }
        long service = reachedDyno ? TimeUnit.NANOSECONDS.toMillis(now - dispatchNanos) : -1;
        long loggedBytes = error == null || responseStarted ? bytes : (reachedDyno ? 0 : -1);
        String line = AccessLine.format(error, detail, method, path, host, requestId, fwd, dynoName,
                reachedDyno ? connectMs : -1, service, answered, loggedBytes);
        try {
            px.accessLog.log(line);
        } catch (RuntimeException e) {
            logger.warn("Access log sink failed", e);
        }
    }
}
