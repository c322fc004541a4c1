package dyno.router.proxy;

import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;

/**
 * The HTTP/1.x codec of a client connection. Unlike Netty's {@code HttpServerCodec} it frames a
 * request body only by {@code Content-Length} or chunked {@code Transfer-Encoding} (RFC 9112
 * section 6.3): Netty would give a Hixie-76 WebSocket handshake an implicit 8-byte body, which the
 * router would forward unframed and a dyno would read as the start of the next request. The
 * exchange tells the encoder when the response answers a HEAD, so that no body or chunk terminator
 * follows its head.
 */
final class ClientCodec extends CombinedChannelDuplexHandler<ClientCodec.RequestDecoder, ClientCodec.ResponseEncoder> {

    ClientCodec(HttpDecoderConfig config) {
        init(new RequestDecoder(config), new ResponseEncoder());
    }

    /** The next final response answers a HEAD request: its head only is written. */
    void answeringHead(boolean head) {
        outboundHandler().head = head;
    }

    static final class RequestDecoder extends HttpRequestDecoder {
        RequestDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            return !msg.headers().contains(HttpHeaderNames.CONTENT_LENGTH)
                    && !msg.headers().contains(HttpHeaderNames.TRANSFER_ENCODING);
        }
    }

    static final class ResponseEncoder extends HttpResponseEncoder {
        private boolean head;

        @Override
        protected boolean isContentAlwaysEmpty(HttpResponse msg) {
            int code = msg.status().code();
            if (code >= 100 && code < 200) {
                return true; // 1xx have no body; after a 101 the connection carries the tunnel's bytes
            }
            if (head) {
                head = false;
                return true;
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
