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
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
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
 */
public final class Router implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Router.class);

    private final EventLoopGroup group;
    private final Channel serverChannel;
    private final DynoTable table;
    private final Pools pools;
    private final HealthMonitor health;
    private final ProxyContext context;
    private final int port;
    private volatile boolean closed;

    private Router(EventLoopGroup group, Channel serverChannel, DynoTable table, Pools pools, HealthMonitor health,
                   ProxyContext context) {
        this.group = group;
        this.serverChannel = serverChannel;
        this.table = table;
        this.pools = pools;
        this.health = health;
        this.context = context;
        this.port = ((InetSocketAddress) serverChannel.localAddress()).getPort();
    }

    /**
     * Binds {@code config.host():config.port()} and returns once listening.
     *
     * @throws ListenException when the address cannot be bound (taken, privileged, not this machine's)
     */
    public static Router start(RouterConfig config, RouterListener listener) {
        requireNonNull(config, "config");
        requireNonNull(listener, "listener");
        Transport transport = Transport.detect();
        EventLoopGroup group = transport.newGroup(config.threads());
        try {
            DynoTable table = new DynoTable(config.balance().newStrategy(), group, config.quarantine(), config.maxHeld(),
                    listener);
            Bootstrap backend = ChannelSettings.backend(new Bootstrap(), transport, config);
            Pools pools = new Pools(group, backend, BackendInitializer.factory(config.maxHeadBytes()), config.dynoKeepAlive());
            table.watch(pools);
            HealthMonitor health = null;
            if (config.healthPath() != null) {
                HttpHealthCheck check = new HttpHealthCheck(backend.clone().group(group), config.healthPath(),
                        config.healthHost(), config.healthStatus());
                health = new HealthMonitor(table, check, group, config.healthInterval(), config.healthTimeout(),
                        config.fall(), config.rise(), listener);
                table.watch(health);
            }
            ProxyContext context = new ProxyContext(config, table, pools);
            Channel server = ProxyServer.bind(group, transport, context, config.host(), config.port());
            logger.debug("Router listening on {} ({}, {} threads)", server.localAddress(), transport.name(),
                    config.threads());
            return new Router(group, server, table, pools, health, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new IllegalStateException("Interrupted while binding " + config.host() + ":" + config.port(), e);
        } catch (Exception e) { // bind() rethrows the socket's IOException undeclared
            group.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS);
            throw new ListenException(config.host(), config.port(), e);
        }
    }

    /** The bound port (the ephemeral one when configured with port 0). */
    public int port() {
        return port;
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
        if (closed) {
            return;
        }
        closed = true;
        serverChannel.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        if (health != null) {
            health.close();
        }
        table.hold(false);
        pools.closeAll();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }
}
