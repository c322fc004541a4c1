package dyno.router.proxy;

import static java.util.Objects.requireNonNull;

import dyno.router.AccessLogSink;
import dyno.router.RequestObserver;
import dyno.router.RouterConfig;
import dyno.router.pool.Pools;
import dyno.router.select.DynoTable;
import io.netty.channel.Channel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every connection of one router shares: the table, the pools, the settings of the moment
 * ({@link #reconfigure}), the request clock and the tunnel count.
 */
public final class ProxyContext {
    final DynoTable table;
    final Pools pools;
    final RequestObserver observer;
    final ConnectionLimit connections = new ConnectionLimit();
    final HeadBudget heads;
    /** Read once per exchange and once per accepted connection. */
    private volatile ProxySettings settings;
    /**
     * Read by event loops only, when an exchange ends; plain, not volatile: {@link #reconfigure}'s
     * caller runs a task on every loop after setting it, which publishes it (see Router.reconfigure).
     */
    private AccessLogSink accessLog;
    private volatile long lastRequestAtMillis;
    private final AtomicInteger tunnels = new AtomicInteger();
    /** Open HTTP/2 client connections, told GOAWAY when the router closes; a closed one leaves by itself. */
    private final ChannelGroup http2 = new DefaultChannelGroup("http2", GlobalEventExecutor.INSTANCE);
    /** Every open client connection, closed before the event loops stop; a closed one leaves by itself. */
    private final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);

    public ProxyContext(RouterConfig config, DynoTable table, Pools pools) {
        requireNonNull(config, "config");
        this.table = requireNonNull(table, "table");
        this.pools = requireNonNull(pools, "pools");
        this.observer = config.observer();
        this.heads = HeadBudget.forHeap();
        this.settings = new ProxySettings(config);
        this.accessLog = config.accessLog();
    }

    /**
     * Timeouts, limits and the access log sink of {@code next}, for exchanges that start from now on
     * (the head size and connection limits: for connections accepted from now on); the observer is
     * kept. The old access log sink may still be called until every event loop ran a task submitted
     * after this call.
     */
    public void reconfigure(RouterConfig next) {
        settings = new ProxySettings(next);
        accessLog = next.accessLog();
    }

    ProxySettings settings() {
        return settings;
    }

    AccessLogSink accessLog() {
        return accessLog;
    }

    /** Epoch ms of the last request received, 0 if none. */
    public long lastRequestAtMillis() {
        return lastRequestAtMillis;
    }

    /** Upgraded connections (WebSockets) open now. */
    public int tunnels() {
        return tunnels.get();
    }

    void tunnelOpened() {
        tunnels.incrementAndGet();
    }

    void tunnelClosed() {
        tunnels.decrementAndGet();
    }

    void clientAccepted(Channel ch) {
        clients.add(ch);
    }

    /**
     * Closes every client connection and waits (at most {@code graceMillis}) until they are closed,
     * while the event loops still run: a TLS connection's close waits for its close_notify to be
     * written, and the transport gives back a pending read's buffer only once the loop sees the close.
     */
    public void closeClients(long graceMillis) {
        if (!clients.isEmpty()) {
            clients.close().awaitUninterruptibly(graceMillis, TimeUnit.MILLISECONDS);
        }
    }

    void http2Opened(Channel ch) {
        http2.add(ch);
    }

    /** HTTP/2 client connections open now. */
    public int http2Connections() {
        return http2.size();
    }

    /**
     * Sends every HTTP/2 client connection a GOAWAY: no new stream; those under way may finish, for
     * at most {@code grace}, then the connection closes. Returns when all are closed or the grace ends.
     */
    public void goAway(long graceMillis) {
        if (!http2.isEmpty()) {
            http2.close().awaitUninterruptibly(graceMillis, TimeUnit.MILLISECONDS);
        }
    }

    void requestReceived(long epochMillis) {
        lastRequestAtMillis = epochMillis;
    }
}
