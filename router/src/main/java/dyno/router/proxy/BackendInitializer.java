package dyno.router.proxy;

import dyno.router.pool.LoopPool;
import dyno.router.select.Dyno;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;

/** Pipeline of a connection to a dyno: HTTP/1.1 client codec, then {@link BackendHandler}. */
public final class BackendInitializer extends ChannelInitializer<Channel> {
    static final String CODEC = "http";

    private final Dyno dyno;
    private final LoopPool pool;

    public BackendInitializer(Dyno dyno, LoopPool pool) {
        this.dyno = dyno;
        this.pool = pool;
    }

    /** For {@link dyno.router.pool.Pools}. */
    public static ChannelHandler create(Dyno dyno, LoopPool pool) {
        return new BackendInitializer(dyno, pool);
    }

    @Override
    protected void initChannel(Channel ch) {
        HttpDecoderConfig decoder = new HttpDecoderConfig()
                .setMaxInitialLineLength(CheckedHeaders.MAX_LINE)
                .setMaxHeaderSize(256 * 1024)
                .setMaxChunkSize(16 * 1024);
        ch.pipeline().addLast(CODEC, new HttpClientCodec(decoder, false, false));
        ch.pipeline().addLast(new BackendHandler(dyno, pool));
    }
}
