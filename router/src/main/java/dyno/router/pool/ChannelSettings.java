package dyno.router.pool;

import dyno.router.RouterConfig;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.WriteBufferWaterMark;
import java.time.Duration;

/** The one place router settings become {@link ChannelOption}s. */
public final class ChannelSettings {
    /** Per-channel outbound buffer bounds: past the high mark the peer stops being read. */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private ChannelSettings() {
    }

    /** Client-facing side: accepted channels start with auto-read off; the proxy reads on demand. */
    public static ServerBootstrap server(ServerBootstrap b, Transport transport) {
        return b.channel(transport.serverChannelClass())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    /**
     * Dyno-facing side. Where the transport has {@code TCP_QUICKACK} (epoll, io_uring) it is set at
     * connect, and {@link #backendPipeline} re-arms it after a read that left a response unfinished.
     */
    public static Bootstrap backend(Bootstrap b, Transport transport, RouterConfig config) {
        connectTimeout(b.channel(transport.channelClass()), config.connectTimeout())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
        ChannelOption<Boolean> quickAck = transport.quickAck();
        if (quickAck != null) {
            b.option(quickAck, true);
        }
        return b;
    }

    /** Sets the connect timeout of dyno connections made with {@code b} from now on. */
    static Bootstrap connectTimeout(Bootstrap b, Duration timeout) {
        return b.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * A dyno connection's pipeline: {@code handler}, behind a {@link QuickAckHandler} where the
     * channel's transport has {@code TCP_QUICKACK}.
     */
    static ChannelHandler backendPipeline(ChannelHandler handler, LoopPool pool) {
        return new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                ChannelOption<Boolean> quickAck = Transport.quickAck(ch.getClass());
                if (quickAck != null) {
                    ch.pipeline().addLast(QuickAckHandler.NAME, new QuickAckHandler(quickAck, pool));
                }
                ch.pipeline().addLast(handler);
            }
        };
    }
}
