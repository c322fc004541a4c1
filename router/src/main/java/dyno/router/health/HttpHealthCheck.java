package dyno.router.health;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code GET path} on a fresh connection; it passes when a response head with an expected status
 * arrives within the timeout (connect included). The Host header is {@code host}, or the dyno's
 * {@code address:port} when null.
 */
public final class HttpHealthCheck implements HealthCheck {
    private final Bootstrap template;
    private final String path;
    private final String host;
    private final ExpectedStatus expected;

    /** Any status below 500 passes; the Host header is the dyno's address. */
    public HttpHealthCheck(Bootstrap template, String path) {
        this(template, path, null, ExpectedStatus.BELOW_500);
    }

    /** {@code template} has its group and channel class set; {@code host} may be null. */
    public HttpHealthCheck(Bootstrap template, String path, String host, ExpectedStatus expected) {
        this.template = requireNonNull(template, "template");
        this.path = requireNonNull(path, "path");
        this.host = host;
        this.expected = requireNonNull(expected, "expected");
    }

    @Override
    public CompletionStage<Result> check(InetSocketAddress address, Duration timeout) {
        CompletableFuture<Result> result = new CompletableFuture<>();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Bootstrap b = template.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new ResponseHandler(result));
                    }
                });
        ChannelFuture connect = b.connect(address);
        Channel ch = connect.channel();
        ScheduledFuture<?> deadline = ch.eventLoop().schedule(() -> {
            if (result.complete(Result.failed("timeout after " + millis + "ms"))) {
                ch.close();
            }
        }, millis, TimeUnit.MILLISECONDS);
        result.whenComplete((r, e) -> deadline.cancel(false));
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.complete(Result.failed(connectFailure(f.cause(), millis)));
                return;
            }
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            req.headers()
                    .set(HttpHeaderNames.HOST, host != null ? host : hostOf(address))
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "dyno-router-health")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(req);
        });
        return result;
    }

    private static String hostOf(InetSocketAddress address) {
        String h = address.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + address.getPort();
    }

    private static String connectFailure(Throwable cause, int millis) {
        if (cause instanceof ConnectTimeoutException) {
            return "timeout after " + millis + "ms (connect)";
        }
        String message = cause == null || cause.getMessage() == null ? "" : cause.getMessage();
        if (cause instanceof ConnectException && message.toLowerCase(Locale.ROOT).contains("refused")) {
            return "connection refused";
        }
        return "connect failed: " + (message.isEmpty() && cause != null ? cause.getClass().getSimpleName() : message);
    }

    private final class ResponseHandler extends SimpleChannelInboundHandler<HttpObject> {
        private final CompletableFuture<Result> result;

        ResponseHandler(CompletableFuture<Result> result) {
            this.result = result;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
            if (msg instanceof HttpResponse res) {
                if (!res.decoderResult().isSuccess()) {
                    result.complete(Result.failed("malformed response"));
                } else {
                    int code = res.status().code();
                    String reason = "status " + code;
                    result.complete(expected.matches(code) ? Result.passed(reason)
                            : Result.failed(reason + " (expected: " + expected + ")"));
                }
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            result.complete(Result.failed("connection closed without a response"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            result.complete(Result.failed("error: " + cause.getMessage()));
            ctx.close();
        }
    }
}
