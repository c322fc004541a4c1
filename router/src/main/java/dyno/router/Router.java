package dyno.router;

import static java.util.Objects.requireNonNull;

import dyno.router.health.HealthMonitor;
import dyno.router.health.HttpHealthCheck;
import dyno.router.pool.ChannelSettings;
import dyno.router.pool.Pools;
import dyno.router.pool.Transport;
import dyno.router.proxy.BackendInitializer;
import dyno.router.proxy.ProxyContext;
import dyno.router.proxy.ProxyServer;
import dyno.router.select.DynoTable;
import dyno.router.tls.ServerTls;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP front door: accepts clients and routes their requests round-robin over the dynos of its
 * {@link #registry()}.
 * <pre>{@code
 * try (Router router = Router.start(RouterConfig.builder().port(0).build(), RouterListener.NONE)) {
 *     router.registry().add("web.1", new InetSocketAddress("127.0.0.1", 5000));
 *     // ... http://127.0.0.1:router.port()/ now reaches web.1
 * }
 * }</pre>
 * Its settings can change while it runs, without dropping a connection: {@link #reconfigure}.
 */
public final class Router implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Router.class);
    /** How long closing waits for HTTP/2 streams under way after their GOAWAY. */
    private static final long GO_AWAY_GRACE_MILLIS = 6_000;
    /** How long closing waits for client connections to close before stopping the event loops. */
    private static final long CLOSE_CLIENTS_MILLIS = 3_000;

    private final EventLoopGroup group;
    private final Transport transport;
    private final Bootstrap backend;
    private final DynoTable table;
    private final Pools pools;
    private final HealthMonitor health;
    private final ProxyContext context;
    /** Serializes reconfigure() and close(). */
    private final Object lock = new Object();
    private volatile Channel serverChannel;
    /** The HTTPS listener, null without TLS. */
    private final Channel tlsChannel;
    private final ServerTls tls;
    private volatile int port;
    private volatile RouterConfig config;
    private volatile boolean closed;

    private Router(RouterConfig config, EventLoopGroup group, Transport transport, Bootstrap backend,
                   Channel serverChannel, Channel tlsChannel, ServerTls tls, DynoTable table, Pools pools,
                   HealthMonitor health, ProxyContext context) {
        this.config = config;
        this.group = group;
        this.transport = transport;
        this.backend = backend;
        this.serverChannel = serverChannel;
        this.tlsChannel = tlsChannel;
        this.tls = tls;
        this.table = table;
        this.pools = pools;
        this.health = health;
        this.context = context;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Binds {@code config.host():config.port()}, and {@code config.tls().port()} on the same host
     * with TLS when configured, and returns once listening.
     *
     * @throws ListenException when an address cannot be bound (taken, privileged, not this machine's)
     * @throws IllegalArgumentException when the TLS certificate or key cannot be used (one line naming the file)
     */
    public static Router start(RouterConfig config, RouterListener listener) {
        requireNonNull(config, "config");
        requireNonNull(listener, "listener");
        ServerTls tls = config.tls() == null ? null
                : ServerTls.load(config.tls(), "tls.certificateChain", "tls.privateKey");
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(config.threads());
        try {
            DynoTable table = new DynoTable(config.balance().newStrategy(), group, config.quarantine(), config.maxHeld(),
                    listener);
            Bootstrap backend = ChannelSettings.backend(new Bootstrap(), transport, config);
            Pools pools = new Pools(group, backend, BackendInitializer.factory(config.maxHeadBytes()), config.dynoKeepAlive(),
                    config.maxInFlightPerDyno());
            table.slowStart(config.slowStart());
            table.watch(pools);
            HealthMonitor health = new HealthMonitor(table, group, listener);
            if (config.healthPath() != null) {
                health.checks(healthCheck(backend, group, config), config.healthInterval(), config.healthTimeout(),
                        config.fall(), config.rise(), true);
            }
            table.watch(health);
            ProxyContext context = new ProxyContext(config, table, pools);
            Channel server = ProxyServer.bind(group, transport, context, config.host(), config.port());
            Channel tlsServer = null;
            if (tls != null) {
                try {
                    tlsServer = ProxyServer.bind(group, transport, context, config.host(), config.tls().port(),
                            tls.context());
                } catch (Exception e) { // bind() rethrows the socket's IOException undeclared
                    server.close();
                    group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
                    throw new ListenException(config.host(), config.tls().port(), e);
                }
                logger.debug("Router listening with TLS ({}) on {}", tls.engine(), tlsServer.localAddress());
            }
            logger.debug("Router listening on {} ({}, {} threads)", server.localAddress(), transport.name(),
                    config.threads());
            return new Router(config, group, transport, backend, server, tlsServer, tls, table, pools, health, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("Interrupted while binding " + config.host() + ":" + config.port(), e);
        } catch (ListenException e) {
            throw e; // the TLS listener's, already cleaned up
        } catch (Exception e) { // bind() rethrows the socket's IOException undeclared
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new ListenException(config.host(), config.port(), e);
        }
    }

    private static HttpHealthCheck healthCheck(Bootstrap backend, EventLoopGroup group, RouterConfig config) {
        return new HttpHealthCheck(backend.clone().group(group), config.healthPath(), config.healthHost(),
                config.healthStatus());
    }

    /** The bound port (the ephemeral one when configured with port 0); the new one once a reconfiguration moved it. */
    public int port() {
        return port;
    }

    /** The bound HTTPS port, or -1 without TLS. */
    public int tlsPort() {
        return tlsChannel == null ? -1 : ((InetSocketAddress) tlsChannel.localAddress()).getPort();
    }

    /** The TLS engine in use, {@code openssl} or {@code jdk}; null without TLS. */
    public String tlsEngine() {
        return tls == null ? null : tls.engine();
    }

    /**
     * The settings in force: those of the last {@link #reconfigure} (or of the start), but the
     * {@code threads}, {@code observer} and {@code tls} of the start.
     */
    public RouterConfig config() {
        return config;
    }

    /**
     * Applies {@code next} while running, dropping no connection and no request, and returns what
     * changed. Settings apply to exchanges (requests) that start once this returns, on connections
     * old and new: timeouts, attempts, in-flight and held limits, balance, quarantine, health checks,
     * the access log sink. A few apply per connection: the connection limits and the head size of
     * client connections accepted from now on, of dyno connections opened from now on, the connect
     * timeout of connects from now on, the dyno keep-alive of every pooled connection. Between two
     * requests a kept-alive client connection keeps the idle and header timeouts of its last request.
     * <ul>
     * <li>Health checks restart when any of their settings changed; each dyno keeps its verdict when
     *     the path is the same, else starts healthy; a null path stops them and makes every dyno healthy.
     * <li>A new host or port is a handover: the new address is bound first, then the old listening
     *     socket closes; connections accepted on it are served until they end. {@link #port()} answers
     *     the new port. A new address overlapping the old (the same port on another address of this
     *     machine) may not be bindable while the old is: stop and start then.
     * <li>The access log sink is swapped: once this returns the router never calls the old one again,
     *     which the caller may then close (an {@link dyno.router.log.AccessLogWriter} writes what it
     *     queued first).
     * <li>{@code threads}, the {@code observer} and {@code tls} cannot change: they are reported as
     *     needing a restart, and kept. The HTTPS listener stays where it is when the plain one moves.
     * </ul>
     * Must not be called on one of the router's event loops (it waits for each of them).
     *
     * @throws ListenException when the new address cannot be bound; nothing changed then
     * @throws IllegalStateException when the router is closed, or called on its event loop
     */
    public Reconfigured reconfigure(RouterConfig next) {
        requireNonNull(next, "next");
        for (EventExecutor loop : group) {
            if (loop.inEventLoop()) {
                throw new IllegalStateException("Router.reconfigure called on the router's event loop " + loop);
            }
        }
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("router closed");
            }
            RouterConfig current = config;
            ConfigDiff diff = new ConfigDiff(current, next);
            Reconfigured result = diff.result();
            if (result.applied().isEmpty()) {
                return result;
            }
            Channel oldServer = null;
            // Port 0 then the port it got, on the same host, is the same socket: nothing to move.
            if (diff.listenerChanged() && !(next.host().equals(current.host()) && next.port() == port)) {
                oldServer = serverChannel;
                serverChannel = bind(next); // first: when it fails, nothing has changed
                port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
            }
            if (diff.changed("balance")) {
                table.strategy(next.balance().newStrategy());
            }
            table.quarantinePeriod(next.quarantine());
            if (diff.changed("slowStart")) {
                table.slowStart(next.slowStart());
            }
            table.maxHeld(next.maxHeld());
            context.reconfigure(next);
            // A task on every loop, which also publishes the context's new access log sink to each:
            // past it no loop calls the old sink, and the caller may close it.
            pools.reconfigure(next.dynoKeepAlive(), next.connectTimeout(), next.maxInFlightPerDyno(),
                    BackendInitializer.factory(next.maxHeadBytes()));
            if (diff.healthChanged()) {
                reconfigureHealth(current, next);
            }
            if (oldServer != null) {
                oldServer.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
                logger.info("Router moved from {} to {}; connections accepted there are served until they end",
                        oldServer.localAddress(), serverChannel.localAddress());
            }
            config = next.toBuilder().threads(current.threads()).observer(current.observer()).tls(current.tls()).build();
            logger.info("Router reconfigured: {}{}", String.join(", ", result.applied()),
                    result.needRestart().isEmpty() ? ""
                            : "; needs a restart to change: " + String.join(", ", result.needRestart()));
            return result;
        }
    }

    private Channel bind(RouterConfig next) {
        try {
            return ProxyServer.bind(group, transport, context, next.host(), next.port());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while binding " + next.host() + ":" + next.port(), e);
        } catch (Exception e) { // bind() rethrows the socket's IOException undeclared
            throw new ListenException(next.host(), next.port(), e);
        }
    }

    private void reconfigureHealth(RouterConfig current, RouterConfig next) {
        if (next.healthPath() == null) {
            health.off();
            return;
        }
        health.checks(healthCheck(backend, group, next), next.healthInterval(), next.healthTimeout(), next.fall(),
                next.rise(), Objects.equals(current.healthPath(), next.healthPath()));
    }

    /** Dynos to route to; the platform adds, drains and marks them here. */
    public DynoRegistry registry() {
        return table;
    }

    /** Epoch milliseconds of the last request received, 0 if none yet. */
    public long lastRequestAtMillis() {
        return context.lastRequestAtMillis();
    }

    /**
     * True while any request is in flight (a response still streaming included) or any upgraded
     * connection is open: an app is not idle then, however long ago its last request arrived.
     */
    public boolean busy() {
        return table.appInFlight() > 0 || context.tunnels() > 0;
    }

    /** Stops accepting, closes every connection and shuts the event loops down. Idempotent. */
    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
        }
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (tlsChannel != null) {
            tlsChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
        context.goAway(GO_AWAY_GRACE_MILLIS); // HTTP/2 clients learn that no new stream will be served
        health.close();
        table.hold(false);
        pools.closeAll();
        context.closeClients(CLOSE_CLIENTS_MILLIS); // while the loops run: see ProxyContext.closeClients
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
