package dyno.router.proxy;

import dyno.router.pool.LoopPool;
import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import dyno.router.select.Snapshot;
import dyno.router.select.WaitingRoom;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's exchange with a dyno, whichever client protocol carries it: checks and rewrites the
 * request, selects a dyno (the one its affinity cookie names, or by the balance strategy; or holds), borrows a pooled HTTP/1.1 connection or connects (retrying the
 * next dyno), streams the request body and the response with back-pressure both ways, times out
 * (H12, H15, H20, H28), retries a replayable request once, and ends with the access line. The
 * {@link ClientSide} feeds it the request body and decides what follows its end.
 *
 * <p>Everything runs on the client channel's event loop, the dyno connection included, so no field
 * needs a lock. Reused from one exchange to the next ({@link #start}): an exchange allocates no
 * object of its own. Responses are written to the client channel as {@code HttpObject}s.
 */
final class DynoExchange implements BackendHandler.Owner {
    private static final Logger logger = LoggerFactory.getLogger(DynoExchange.class);
    /** Re-selections after a dyno turned out to be draining, or became available while holding. */
    private static final int MAX_RESELECT = 16;

    /**
     * IDLE: no exchange (before its start, after its end). ROUTING: choosing or connecting to a dyno,
     * or held. FORWARDING: the exchange streams. ENDING: the response ended; the rest of the dyno's
     * read is still being decoded before its connection may be pooled.
     */
    private enum State { IDLE, ROUTING, FORWARDING, ENDING }

    /** The fields of the exchange under way, read by the client side once it ended until the next start. */
    final Exchange ex = new Exchange();
    private final ProxyContext px;
    private final DynoTable table;
    private final ClientSide side;
    private final Channel client;
    private final LoopPool pool;
    private final LazyTimer timer;
    private final ChannelFutureListener connectListener = this::onConnect;
    private final WaitingRoom.Held holdHandle = this::releaseHeld;
    private final WaitingRoom.Queued queueHandle = this::releaseQueued;
    private ProxySettings settings;
    private State state = State.IDLE;
    private Channel backend;
    private BackendHandler backendHandler;

    DynoExchange(ProxyContext px, ClientSide side, Channel client) {
        this.px = px;
        this.table = px.table;
        this.side = side;
        this.client = client;
        this.pool = px.pools.forLoop(client.eventLoop());
        this.timer = new LazyTimer(client.eventLoop(), this::onTimer);
        this.settings = px.settings();
    }

    /**
     * Starts the exchange of {@code req} with the settings of the moment: checks and rewrites it,
     * then routes it, or ends at once with an error ({@link ClientSide#exchangeFailed}).
     */
    void start(HttpRequest req, ProxySettings settings, ClientAddress from) {
        ex.clear();
        this.settings = settings;
        state = State.ROUTING;
        long nowMillis = System.currentTimeMillis();
        px.requestReceived(nowMillis);
        ex.startNanos = System.nanoTime();
        RequestHeads.Refusal refusal = RequestHeads.prepare(req, ex, from, nowMillis);
        if (refusal != null) {
            fail(refusal.error(), refusal.detail());
            return;
        }
        if (settings.affinity) {
            ex.affinityDyno = AffinityCookie.take(req.headers());
        }
        route();
    }

    /** Under way: started and not yet ended. */
    boolean active() {
        return state != State.IDLE;
    }

    /** Takes request body now: the dyno connection is there and the request's end was not seen. */
    boolean acceptsBody() {
        return state == State.FORWARDING && !ex.receivedAll;
    }

    /** Takes request body now and the dyno connection can be written: the client may be read. */
    boolean wantsBody() {
        Channel b = backend;
        return state == State.FORWARDING && !ex.receivedAll && b != null && b.isWritable();
    }

    /** Writes a part of the request body (any other message is released); call only when {@link #acceptsBody()}. */
    void onRequestContent(Object msg) {
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

    /** Flushes what was written to the dyno. */
    void flushToDyno() {
        Channel b = backend;
        if (b != null) {
            b.flush();
        }
    }

    /** The client channel became writable: the dyno may be read again. */
    void clientWritable() {
        Channel b = backend;
        if (b != null) {
            b.config().setAutoRead(true);
        }
    }

    /** The client channel closed: H27 for an exchange under way. */
    void clientClosed() {
        if (state == State.ROUTING || state == State.FORWARDING) {
            end(RouteError.H27, null);
        } else if (state == State.ENDING) {
            state = State.IDLE;
            releaseDyno();
            Channel b = backend;
            detachBackend();
            if (b != null && b.isActive()) {
                b.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            } else if (b != null) {
                b.close();
            }
        }
        timer.cancel();
    }

    // ---- routing ----

    /** Chooses a dyno and connects, or holds, or fails. Runs again after each failed connect. */
    private void route() {
        for (int i = 0; i < MAX_RESELECT; i++) {
            Snapshot s = table.snapshot();
            if (s.isEmpty()) {
                if (ex.lastConnectFailure != null) {
                    fail(ex.lastConnectFailure.kind(), null);
                    return;
                }
                WaitingRoom.HoldResult hold = table.waitingRoom().tryHold(holdHandle);
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
            boolean queueing = settings.queueNanos > 0;
            if (!queueing && table.appInFlight() >= (long) settings.maxInFlightPerDyno * s.size()) {
                fail(RouteError.H11, null);
                return;
            }
            if (pool == null) {
                throw new IllegalStateException("channel " + client + " is not on a router event loop");
            }
            Dyno d = null;
            if (ex.affinityDyno != null && !ex.affinityTried) {
                ex.affinityTried = true; // once: a failed connect or a drain falls back to balancing
                d = s.find(ex.affinityDyno);
                if (d != null && queueing && d.inFlight() >= settings.maxInFlightPerDyno) {
                    d = null; // its dyno is full: balance instead of waiting for it
                }
            }
            if (d == null && queueing) {
                // HAProxy's maxconn and queue: a dyno with room, else wait for the first to free up
                d = table.selectWithRoom(s, settings.maxInFlightPerDyno);
                if (d == null) {
                    WaitingRoom.QueueResult q = table.waitingRoom().tryQueue(queueHandle, settings.maxInFlightPerDyno);
                    if (q == WaitingRoom.QueueResult.QUEUED) {
                        ex.queued = true;
                        timer.arm(settings.queueNanos);
                        return;
                    }
                    if (q == WaitingRoom.QueueResult.FULL) {
                        fail(RouteError.H11, "queue full");
                        return;
                    }
                    continue; // room appeared meanwhile
                }
            }
            if (d == null) {
                d = table.select(s);
            }
            if (!table.acquire(d)) {
                continue; // started draining since the snapshot was taken
            }
            dispatch(d);
            return;
        }
        fail(RouteError.H10, "dynos kept changing");
    }

    /** Sends the request to {@code d}, already counted against it: a pooled connection, else a new one. */
    private void dispatch(Dyno d) {
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
        side.forwardQueued();
        ch.flush();
        side.readRequestBody();
    }

    private void releaseHeld() {
        client.eventLoop().execute(() -> {
            if (state == State.ROUTING && ex.held) {
                ex.held = false;
                timer.disarm();
                route();
            }
        });
    }

    /** The queue handed this request a dyno's place ({@code d}, counted already), or asks it to route again. */
    private void releaseQueued(Dyno d) {
        client.eventLoop().execute(() -> {
            if (state == State.ROUTING && ex.queued) {
                ex.queued = false;
                timer.disarm();
                if (d == null) {
                    route();
                } else {
                    dispatch(d);
                }
            } else if (d != null) {
                table.release(d); // the request ended meanwhile (timed out, client left): pass the place on
            }
        });
    }

    // ---- response path (called by BackendHandler on this loop) ----

    @Override
    public void onBackendRead(Object msg) {
        ex.lastBackendActivity = System.nanoTime();
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
        Channel b = backend;
        if (state == State.FORWARDING && b != null && !client.isWritable()) {
            b.config().setAutoRead(false);
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
        if (settings.affinity && !ex.dyno.name().equals(ex.affinityDyno)) {
            AffinityCookie.set(res.headers(), ex.dyno.name(), ex.secure);
        }
        side.answering(ex.headRequest);
        client.write(res, client.voidPromise());
    }

    private void onResponseContent(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        if (ex.upgrading) {
            content.release(); // a 101 has no body: its end starts the tunnel
            if (last) {
                upgrade();
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

    @Override
    public void onBackendReadComplete() {
        client.flush();
        if (state == State.ENDING) {
            complete();
        }
    }

    @Override
    public void onBackendWritabilityChanged() {
        Channel b = backend;
        if (b != null && b.isWritable() && state == State.FORWARDING) {
            side.readRequestBody();
        }
    }

    @Override
    public void onBackendInactive() {
        if (state == State.ENDING) {
            complete();
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

    /** The 101 was relayed whole: logged, the dyno slot given back, the connection handed to the client side. */
    private void upgrade() {
        ex.upgrading = false;
        client.flush();
        ex.log(px, null, null);
        releaseDyno();
        timer.disarm();
        state = State.IDLE;
        Channel b = backend;
        BackendHandler h = backendHandler;
        backend = null; // not detached: the tunnel takes the handler over
        backendHandler = null;
        side.upgraded(b, h);
    }

    // ---- endings ----

    /**
     * The response ended and the dyno's read that carried its end was decoded. The dyno connection
     * goes back to the pool only when its response was framed for reuse, the whole request was sent,
     * and no byte came after the response.
     */
    private void complete() {
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
        state = State.IDLE;
        side.exchangeComplete();
    }

    /** Ends the exchange with an error, then lets the client side answer it (or cut the response short). */
    private void fail(RouteError error, String detail) {
        if (state == State.IDLE) {
            return;
        }
        boolean canAnswer = ex.canAnswer();
        end(error, detail);
        side.exchangeFailed(error, canAnswer);
    }

    /** Logs the error, gives back the dyno slot and hold place, closes the dyno connection. */
    private void end(RouteError error, String detail) {
        state = State.IDLE;
        timer.disarm();
        if (ex.held) {
            ex.held = false;
            table.waitingRoom().cancelHold(holdHandle);
        }
        if (ex.queued) {
            ex.queued = false;
            table.waitingRoom().cancelQueue(queueHandle);
        }
        ex.log(px, error, detail);
        releaseDyno();
        Channel b = backend;
        detachBackend();
        if (b != null) {
            b.close();
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

    // ---- the exchange's one timer ----

    private void onTimer() {
        long now = System.nanoTime();
        if (state == State.ROUTING) {
            if (ex.held) {
                fail(RouteError.H20, null);
            } else if (ex.queued) {
                fail(RouteError.H11, "queued past --queue-timeout");
            }
        } else if (state == State.FORWARDING) {
            onForwardingTimer(now, settings.idleNanos);
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
        } else {
            long lastClient = side.lastClientActivity();
            if (now - lastClient >= idle) {
                Channel b = backend;
                fail(b != null && !b.isWritable() ? RouteError.H15 : RouteError.H28, null);
            } else {
                timer.arm(lastClient + idle - now);
            }
        }
    }
}
