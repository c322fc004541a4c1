package dyno.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP/1.1 codec of a dyno connection, which decodes at most one response per request written.
 * Once that response has ended, any further byte from the dyno (a second response, a body on a
 * HEAD, 204 or 304 answer, the rest of a partial head) is never decoded: the connection is closed,
 * so that those bytes can reach no other exchange. A 1xx response has no body; after a 101 the
 * bytes are left undecoded for the tunnel that replaces this codec.
 */
final class DynoCodec extends CombinedChannelDuplexHandler<DynoCodec.ResponseDecoder, HttpRequestEncoder> {

    DynoCodec(HttpDecoderConfig config) {
        init(new ResponseDecoder(config), new HttpRequestEncoder());
    }

    /** A request is about to be written: decode its response; {@code head} when it is a HEAD. */
    void expectResponse(boolean head) {
        ResponseDecoder d = inboundHandler();
        d.head = head;
        d.state = ResponseDecoder.AWAIT;
        d.answered = false;
    }

    /** True while no byte arrived after the end of the last response. */
    boolean clean() {
        return inboundHandler().state != ResponseDecoder.SPOILED;
    }

    /** True once any byte of the expected response arrived, even one not decoded into a message yet. */
    boolean answered() {
        return inboundHandler().answered;
    }

    static final class ResponseDecoder extends HttpResponseDecoder {
        private static final Logger logger = LoggerFactory.getLogger(DynoCodec.class);
        static final int AWAIT = 0;
        static final int INFORMATIONAL = 1;
        static final int FINAL = 2;
        static final int ENDED = 3;
        static final int UPGRADED = 4;
        static final int SPOILED = 5;

        private boolean head;
        private boolean answered;
        /** Starts ENDED: bytes before the first request are as unexpected as bytes after a response. */
        private int state = ENDED;

        ResponseDecoder(HttpDecoderConfig config) {
            super(config);
        }

        @Override
        protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
            if (state == UPGRADED) {
                return; // left in the cumulation, which passes them on when the codec is removed
            }
            if (state == ENDED || state == SPOILED) {
                int extra = in.readableBytes();
                in.skipBytes(extra);
                if (state == ENDED) {
                    state = SPOILED;
                    logger.debug("[{}] {} bytes from the dyno after its response ended: closing", ctx.channel().id(),
                            extra);
                    ctx.close();
                }
                return;
            }
            answered |= in.isReadable();
            int from = out.size();
            super.decode(ctx, in, out);
            for (int i = from; i < out.size(); i++) {
                Object msg = out.get(i);
                if (msg instanceof HttpResponse res) {
                    int code = res.status().code();
                    state = code == 101 ? UPGRADED : code < 200 ? INFORMATIONAL : FINAL;
                }
                if (msg instanceof LastHttpContent) {
                    if (state == INFORMATIONAL) {
                        state = AWAIT;
                    } else if (state == FINAL) {
                        state = ENDED;
                    }
                }
            }
        }

        @Override
        protected boolean isContentAlwaysEmpty(HttpMessage msg) {
            if (msg instanceof HttpResponse res) {
                int code = res.status().code();
                if ((code >= 100 && code < 200) || code == 204 || code == 304) {
                    return true; // a 101 too: what follows is the upgraded protocol, not a body
                }
                if (head) {
                    return true;
                }
            }
            return super.isContentAlwaysEmpty(msg);
        }
    }
}
