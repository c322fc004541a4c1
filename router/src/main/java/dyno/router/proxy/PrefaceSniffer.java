package dyno.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;

/**
 * First handler of a plain listener's connection: tells HTTP/2 with prior knowledge (h2c, its
 * connection preface {@code PRI * HTTP/2.0}) from HTTP/1.x by the first bytes, then leaves the
 * connection to that protocol's handlers and removes itself. An HTTP/1 request is known at its
 * first byte that differs from the preface, nearly always the first.
 */
final class PrefaceSniffer extends ChannelInboundHandlerAdapter {
    static final String NAME = "preface";
    private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final ProxyContext px;
    private final boolean secure;
    /** The bytes seen so far while they are a prefix of the preface. */
    private ByteBuf seen;

    PrefaceSniffer(ProxyContext px, boolean secure) {
        this.px = px;
        this.secure = secure;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        ByteBuf buf = in;
        if (seen != null) {
            buf = seen.writeBytes(in);
            in.release();
            seen = null;
        }
        int n = Math.min(buf.readableBytes(), PREFACE.length);
        for (int i = 0; i < n; i++) {
            if (buf.getByte(buf.readerIndex() + i) != PREFACE[i]) {
                ctx.pipeline().remove(this); // HTTP/1.x: the handlers behind are already in place
                ctx.fireChannelRead(buf);
                return;
            }
        }
        if (n == PREFACE.length) {
            Http2Frontend.install(ctx.channel(), px, ClientAddress.of(ctx.channel().remoteAddress(),
                    ctx.channel().localAddress(), secure));
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(buf);
            ctx.fireChannelReadComplete();
            return;
        }
        seen = ctx.alloc().buffer(PREFACE.length).writeBytes(buf); // a prefix: wait for more
        buf.release();
        ctx.read();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (seen != null) {
            seen.release();
            seen = null;
        }
    }
}
