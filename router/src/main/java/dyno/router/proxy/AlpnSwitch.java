package dyno.router.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the TLS handshake of a TLS listener's connection: the client chose {@code h2} by ALPN, and
 * the connection becomes an HTTP/2 one; else (http/1.1, or no ALPN) the HTTP/1.x handlers already
 * in place serve it.
 */
final class AlpnSwitch extends ApplicationProtocolNegotiationHandler {
    private static final Logger logger = LoggerFactory.getLogger(AlpnSwitch.class);
    static final String NAME = "alpn";

    private final ProxyContext px;

    AlpnSwitch(ProxyContext px) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.px = px;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Frontend.install(ctx.channel(), px, ClientAddress.of(ctx.channel().remoteAddress(),
                    ctx.channel().localAddress(), true));
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("[{}] TLS handshake failed", ctx.channel().id(), cause);
        ctx.close();
    }
}
