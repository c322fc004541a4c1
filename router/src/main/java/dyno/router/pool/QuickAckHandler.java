package dyno.router.pool;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelException;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;

/**
 * Re-arms {@code TCP_QUICKACK} on a dyno connection after each read, so the router ACKs what a
 * dyno sent at once instead of after the 40 ms delayed-ACK timer.
 *
 * <p>Why: an app that writes its head and its body in two {@code send()}s without
 * {@code TCP_NODELAY} (Python's {@code http.server}) has Nagle hold the body until the head is
 * ACKed. Linux delays that ACK on a connection it sees as request/response ("ping-pong"), which a
 * reused dyno connection always is: each request cost 40 ms. Setting the option is one-shot (the
 * kernel leaves quick-ack mode again when the router next sends), and Netty sets it only when asked,
 * so it is set again after every read: the setsockopt sends an ACK the kernel was holding, and
 * leaves the socket out of ping-pong mode until the next request goes out. One system call per read.
 */
final class QuickAckHandler extends ChannelInboundHandlerAdapter {
    static final String NAME = "quickAck";

    private final ChannelOption<Boolean> option;

    QuickAckHandler(ChannelOption<Boolean> option) {
        this.option = requireNonNull(option, "option");
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        try {
            ctx.channel().config().setOption(option, true);
        } catch (ChannelException e) {
            // the socket closed under us: the read that follows (or the close) says so
        }
        ctx.fireChannelReadComplete();
    }
}
