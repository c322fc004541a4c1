package dyno.router.pool;

import static java.util.Objects.requireNonNull;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/**
 * Re-arms {@code TCP_QUICKACK} on a dyno connection after a read that left the response unfinished,
 * so the router ACKs what the dyno sent at once instead of after the 40 ms delayed-ACK timer.
 *
 * <p>Why: an app that writes its head and its body in two {@code send()}s without
 * {@code TCP_NODELAY} (Python's {@code http.server}) has Nagle hold the body until the head is
 * ACKed. Linux delays that ACK on a connection it sees as request/response ("ping-pong"), which a
 * reused dyno connection always is: each request cost 40 ms. Setting the option is one-shot (the
 * kernel goes back to ping-pong when the router next sends a request), and Netty sets it only when
 * asked, so it is set again here: the setsockopt sends the ACK the kernel was holding, and keeps
 * ACKs immediate until the next request goes out.
 *
 * <p>Only while a response is unfinished: a read that ended the response (the connection went back
 * to the pool through {@link LoopPool#offer}) leaves nothing for the dyno to wait on, and its ACK
 * rides on the next request. Setting it there too cost an extra system call and an extra ACK
 * segment per request: 10% of requests/s against fast backends (docs/performance.md).
 */
final class QuickAckHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "quickAck";

    private final ChannelOption<Boolean> option;
    private final LoopPool pool;
    private long rearmed;

    QuickAckHandler(ChannelOption<Boolean> option, LoopPool pool) {
        this.option = requireNonNull(option, "option");
        this.pool = requireNonNull(pool, "pool");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        pool.clearOffered();
        ctx.fireChannelReadComplete(); // the proxy ends the exchange here if this read ended the response
        Channel ch = ctx.channel();
        if (!pool.offered(ch) && ch.isActive()) {
            try {
                ch.config().setOption(option, true);
                rearmed++;
            } catch (ChannelException e) {
                // the socket closed under us: the close is already on its way through the pipeline
            }
        }
    }

    /** How many times this connection re-armed the option (tests). */
    long rearmed() {
        return rearmed;
    }
}
