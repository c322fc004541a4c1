package dyno.router.proxy;

import dyno.router.pool.ChannelSettings;
import dyno.router.pool.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;

/** Binds the client-facing socket. */
public final class ProxyServer {
    private ProxyServer() {
    }

    /** Binds and waits until listening; the group serves both accepted and dyno connections. */
    public static Channel bind(EventLoopGroup group, Transport transport, ProxyContext px, String host, int port)
            throws InterruptedException {
        ServerBootstrap b = ChannelSettings.server(new ServerBootstrap(), transport)
                .group(group)
                .childHandler(new ProxyInitializer(px));
        return b.bind(new InetSocketAddress(host, port)).sync().channel();
    }
}
