package dyno.router.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/**
 * Turns a client connection into an HTTP/2 one (h2 chosen by ALPN, or h2c with prior knowledge):
 * Netty's {@link Http2FrameCodec} and {@link Http2MultiplexHandler} give each stream a child
 * channel, whose {@link Http2StreamFrameToHttpObjectCodec} turns frames into the same
 * {@code HttpRequest}/{@code HttpContent} the HTTP/1 path reads, for an {@link Http2StreamHandler}
 * and its {@link DynoExchange}. The HTTP/1 handlers are removed.
 *
 * <p>Limits against the known abuses, all Netty's own checks, configured here: at most
 * {@code maxConcurrentStreams} open streams (more are refused), a header list of at most
 * {@code maxHeadBytes} (HPACK bombs, CONTINUATION floods), at most {@value #MAX_SMALL_CONTINUATIONS}
 * small CONTINUATION frames in a row, at most {@value #MAX_RESETS} streams reset by the client per
 * {@value #RESET_WINDOW_SECONDS} s (rapid reset, CVE-2023-44487), at most
 * {@value #MAX_QUEUED_CONTROL_FRAMES} control frames (SETTINGS and PING acknowledgements) queued for
 * a client that does not read them (settings and ping floods), at most two empty DATA frames in a
 * row. Past any of them the connection gets a GOAWAY and is closed.
 */
final class Http2Frontend {
    static final String CODEC = "h2";
    static final String STREAMS = "h2-streams";
    static final String IDLE = "h2-idle";
    static final String FLUSH = "h2-flush";
    static final int MAX_RESETS = 200;
    static final int RESET_WINDOW_SECONDS = 30;
    static final int MAX_SMALL_CONTINUATIONS = 16;
    static final int MAX_QUEUED_CONTROL_FRAMES = 10_000;
    /** How long a GOAWAY waits for the streams under way when the router closes. */
    static final long GRACEFUL_SHUTDOWN_MILLIS = 5_000;

    private Http2Frontend() {
    }

    /** Installs HTTP/2 on {@code ch} in place of the HTTP/1 handlers; the settings of the moment apply. */
    static void install(Channel ch, ProxyContext px, ClientAddress address) {
        ProxySettings s = px.settings();
        ChannelPipeline p = ch.pipeline();
        if (p.get(ProxyInitializer.WATCH) != null) {
            p.remove(ProxyInitializer.WATCH);
        }
        if (p.get(ProxyInitializer.CODEC) != null) {
            p.remove(ProxyInitializer.CODEC);
        }
        FrontendHandler http1 = p.get(FrontendHandler.class);
        if (http1 != null) {
            p.remove(http1);
        }
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(s.maxConcurrentStreams)
                        .maxHeaderListSize(s.maxHeadBytes))
                .validateHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS, RESET_WINDOW_SECONDS)
                .decoderEnforceMaxSmallContinuationFrames(MAX_SMALL_CONTINUATIONS)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
                .gracefulShutdownTimeoutMillis(GRACEFUL_SHUTDOWN_MILLIS)
                .build();
        long idleNanos = s.idleNanos;
        // Responses are written from the dynos' event-loop reads, one stream at a time: without this
        // each would flush (a write syscall, and with TLS a record) on its own. Consolidated, the
        // streams answered in one event-loop turn leave in one flush at its end.
        p.addLast(FLUSH, new FlushConsolidationHandler(FlushConsolidationHandler.DEFAULT_EXPLICIT_FLUSH_AFTER_FLUSHES, true));
        p.addLast(IDLE, new IdleStateHandler(0, 0, idleNanos, TimeUnit.NANOSECONDS));
        p.addLast(new IdleClose(codec));
        p.addLast(CODEC, codec);
        p.addLast(STREAMS, new Http2MultiplexHandler(new StreamInitializer(px, address.http2Stream())));
        px.http2Opened(ch);
        // Flow control bounds what a client can send; each stream reads only while its dyno can take more.
        ch.config().setAutoRead(true);
    }

    /** Closes (GOAWAY) a connection that stayed idle with no stream open for the idle timeout. */
    private static final class IdleClose extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;

        IdleClose(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof IdleStateEvent) {
                if (codec.connection().numActiveStreams() == 0) {
                    ctx.channel().close(); // from the tail, through the codec: a GOAWAY first
                }
                return;
            }
            super.userEventTriggered(ctx, evt);
        }
    }

    /** Each stream: auto-read off (its window is credited only as its dyno takes the body), the codec, its handler. */
    private static final class StreamInitializer extends ChannelInitializer<Channel> {
        private final ProxyContext px;
        private final ClientAddress address;

        StreamInitializer(ProxyContext px, ClientAddress address) {
            this.px = px;
            this.address = address;
        }

        @Override
        protected void initChannel(Channel ch) {
            ch.config().setAutoRead(false);
            ch.pipeline().addLast(new Http2StreamFrameToHttpObjectCodec(true, false), new Http2StreamHandler(px, address));
        }
    }
}
