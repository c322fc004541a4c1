package dyno.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * On the listening socket: when accepting fails (the router is out of file descriptors), stop
 * accepting for a moment instead of retrying at once, which on io_uring spins, and say so once a
 * minute rather than once a failure. Clients wait in the kernel's backlog meanwhile.
 */
@ChannelHandler.Sharable
final class AcceptGuard extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(AcceptGuard.class);
    static final long PAUSE_MILLIS = 100;
    private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private long failures;
    private long lastWarnNanos = System.nanoTime() - WARN_INTERVAL_NANOS;
    private boolean paused;

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failures++; // only on the listening channel's loop
        long now = System.nanoTime();
        if (now - lastWarnNanos >= WARN_INTERVAL_NANOS) {
            lastWarnNanos = now;
            logger.warn("Accepting a connection failed ({} failures so far), pausing accepts for {} ms{}: {}", failures,
                    PAUSE_MILLIS, RouteException.outOfDescriptors(cause)
                            ? "; the router is out of file descriptors (raise ulimit -n or lower --max-connections)"
                            : "", String.valueOf(cause));
        }
        if (paused) {
            return;
        }
        paused = true;
        Channel server = ctx.channel();
        server.config().setAutoRead(false);
        ctx.executor().schedule(() -> {
            paused = false;
            if (server.isOpen()) {
                server.config().setAutoRead(true);
            }
        }, PAUSE_MILLIS, TimeUnit.MILLISECONDS);
    }
}
