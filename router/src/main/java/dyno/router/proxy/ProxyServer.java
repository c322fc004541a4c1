package dyno.router.proxy;

import dyno.router.log.AccessLogFormat;
import dyno.router.log.AccessRecord;
import dyno.router.pool.ChannelSettings;
import dyno.router.pool.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import java.net.InetSocketAddress;

/** Binds a client-facing socket, plain or TLS. */
public final class ProxyServer {
    private ProxyServer() {
    }

    /**
     * Binds and waits until listening; the group serves both accepted and dyno connections. Several
     * may listen at once for one context (a listener handed over on reconfiguration).
     */
    public static Channel bind(EventLoopGroup group, Transport transport, ProxyContext px, String host, int port)
            throws InterruptedException {
        return bind(group, transport, px, host, port, null);
    }

    /** As {@link #bind(EventLoopGroup, Transport, ProxyContext, String, int)}, terminating TLS when {@code tls} is not null. */
    public static Channel bind(EventLoopGroup group, Transport transport, ProxyContext px, String host, int port,
                               SslContext tls) throws InterruptedException {
        preloadFailurePaths();
        ServerBootstrap b = ChannelSettings.server(new ServerBootstrap(), transport)
                .group(group)
                .handler(new AcceptGuard())
                .childHandler(new ProxyInitializer(px, tls));
        ChannelFuture bound = b.bind(new InetSocketAddress(host, port));
        try {
            return bound.sync().channel();
        } catch (Exception e) { // the socket's IOException, rethrown undeclared
            bound.channel().close(); // a failed bind leaves the channel open: it would hold a descriptor
            throw e;
        }
    }

    /**
     * Loads the classes that answer failures now: out of file descriptors, the JVM could not open
     * their class files when first needed, and the failure would go unanswered.
     */
    private static void preloadFailurePaths() {
        RouteException.outOfDescriptors(null);
        RouterTrouble.outOfDescriptors(null, null);
        ErrorPage.of(RouteError.H99, false).release();
        AccessRecord sample = new AccessRecord(0, "H99", "Platform error", "GET", "/", "", "", "", null, -1, -1, 503, -1,
                "HTTP/1.1", 0);
        for (AccessLogFormat format : AccessLogFormat.values()) {
            format.format(sample);
        }
    }
}
