package dyno.router.proxy;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;

/** Pipeline of a client connection: validating HTTP/1.x server codec, then {@link FrontendHandler}. */
final class ProxyInitializer extends ChannelInitializer<SocketChannel> {
    static final String CODEC = "http";

    private final ProxyContext px;

    ProxyInitializer(ProxyContext px) {
        this.px = px;
    }

    static HttpDecoderConfig decoderConfig() {
        return new HttpDecoderConfig()
                .setMaxInitialLineLength(CheckedHeaders.MAX_LINE)
                .setMaxHeaderSize(CheckedHeaders.MAX_HEADER_BLOCK)
                .setMaxChunkSize(16 * 1024)
                .setAllowDuplicateContentLengths(false)
                .setHeadersFactory(CheckedHeaders.FACTORY);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline().addLast(CODEC, new HttpServerCodec(decoderConfig()));
        ch.pipeline().addLast(new FrontendHandler(px));
    }
}
