package dyno.router.proxy;

import static java.util.Objects.requireNonNull;

import dyno.router.AccessLogSink;
import dyno.router.RequestObserver;
import dyno.router.RouterConfig;
import dyno.router.pool.Pools;
import dyno.router.select.DynoTable;

/** What every connection of one router shares. Immutable apart from the last-request clock. */
public final class ProxyContext {
    final RouterConfig config;
    final DynoTable table;
    final Pools pools;
    final AccessLogSink accessLog;
    final RequestObserver observer;
    final long firstByteNanos;
    final long idleNanos;
    final long headerNanos;
    final ConnectionLimit connections;
    final long holdNanos;
    final HeadBudget heads;
    private volatile long lastRequestAtMillis;
    private final java.util.concurrent.atomic.AtomicInteger tunnels = new java.util.concurrent.atomic.AtomicInteger();

    public ProxyContext(RouterConfig config, DynoTable table, Pools pools) {
        this.config = requireNonNull(config, "config");
        this.table = requireNonNull(table, "table");
        this.pools = requireNonNull(pools, "pools");
        this.accessLog = config.accessLog();
        this.observer = config.observer();
        this.firstByteNanos = config.firstByteTimeout().toNanos();
        this.idleNanos = config.idleTimeout().toNanos();
        this.headerNanos = config.headerTimeout().toNanos();
        this.connections = new ConnectionLimit(config.maxConnections(), config.maxConnectionsPerClient());
        this.holdNanos = config.holdTimeout().toNanos();
        this.heads = HeadBudget.forHeap();
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

    void requestReceived(long epochMillis) {
        lastRequestAtMillis = epochMillis;
    }

    boolean accessLogEnabled() {
        return accessLog.enabled();
    }
}
