package dyno.router.proxy;

import dyno.router.pool.LoopPool;
import dyno.router.select.Dyno;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpDecoderConfig;
import java.util.function.BiFunction;

/** Pipeline of a connection to a dyno: {@link DynoCodec}, then {@link BackendHandler}. */
public final class BackendInitializer extends ChannelInitializer<Channel> {
    static final String CODEC = "http";

    private final Dyno dyno;
    private final LoopPool pool;
    private final int maxHeadBytes;

    private BackendInitializer(Dyno dyno, LoopPool pool, int maxHeadBytes) {
        this.dyno = dyno;
        this.pool = pool;
        this.maxHeadBytes = maxHeadBytes;
    }

    /** For {@link dyno.router.pool.Pools}: dyno responses whose head exceeds {@code maxHeadBytes} are refused. */
    public static BiFunction<Dyno, LoopPool, ChannelHandler> factory(int maxHeadBytes) {
        return (dyno, pool) -> new BackendInitializer(dyno, pool, maxHeadBytes);
    }

    @Override
    protected void initChannel(Channel ch) {
        DynoCodec codec = new DynoCodec(ProxyInitializer.decoderConfig(maxHeadBytes, CheckedHeaders.RESPONSES));
        ch.pipeline().addLast(CODEC, codec);
        ch.pipeline().addLast(new BackendHandler(dyno, pool, codec));
    }
}
