package dyno.router.proxy;

import dyno.router.pool.LoopPool;
import dyno.router.select.Dyno;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last handler of a dyno connection. While an {@link Owner} (an exchange, or a tunnel after a 101)
 * holds the connection it hands everything to it; while pooled, any input is unexpected and the
 * connection is dropped. Runs on the connection's event loop, which is also the owner's loop.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    /** Who is told of the dyno connection's events while it holds the connection. */
    interface Owner {
        void onBackendRead(Object msg);

        void onBackendReadComplete();

        void onBackendWritabilityChanged();

        void onBackendInactive();
    }

    private static final Logger logger = LoggerFactory.getLogger(BackendHandler.class);

    private final Dyno dyno;
    private final LoopPool pool;
    private final DynoCodec codec;
    private Owner owner;

    BackendHandler(Dyno dyno, LoopPool pool, DynoCodec codec) {
        this.dyno = dyno;
        this.pool = pool;
        this.codec = codec;
    }

    /** The connection's codec, which knows whether the dyno sent anything after its last response. */
    DynoCodec codec() {
        return codec;
    }

    void attach(Owner owner) {
        this.owner = owner;
    }

    void detach() {
        owner = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        Owner o = owner;
        if (o != null) {
            o.onBackendRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
            pool.discard(dyno, ctx.channel());
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.onBackendReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        Owner o = owner;
        if (o != null) {
            o.onBackendWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        Owner o = owner;
        owner = null;
        if (o != null) {
            o.onBackendInactive();
        } else {
            pool.discard(dyno, ctx.channel());
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("[{}] dyno {} connection failed", ctx.channel().id(), dyno.name(), cause);
        ctx.close();
    }
}
