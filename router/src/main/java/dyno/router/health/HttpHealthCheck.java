package dyno.router.health;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** {@code GET path} on a fresh connection; any status below 500 within the timeout is healthy. */
public final class HttpHealthCheck implements HealthCheck {
    private final Bootstrap template;
    private final String path;

    /** {@code template} has its group and channel class set. */
    public HttpHealthCheck(Bootstrap template, String path) {
        this.template = requireNonNull(template, "template");
        this.path = requireNonNull(path, "path");
    }

    @Override
    public CompletionStage<Boolean> check(InetSocketAddress address, Duration timeout) {
        CompletableFuture<Boolean> result = new CompletableFuture<>();
        int millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
        Bootstrap b = template.clone()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, millis)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<HttpObject>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
                                if (msg instanceof HttpResponse res) {
                                    result.complete(res.decoderResult().isSuccess() && res.status().code() < 500);
                                    ctx.close();
                                }
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                result.complete(false);
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                result.complete(false);
                                ctx.close();
                            }
                        });
                    }
                });
        ChannelFuture connect = b.connect(address);
        Channel ch = connect.channel();
        ch.eventLoop().schedule(() -> {
            if (result.complete(false)) {
                ch.close();
            }
        }, millis, TimeUnit.MILLISECONDS);
        connect.addListener((ChannelFuture f) -> {
            if (!f.isSuccess()) {
                result.complete(false);
                return;
            }
            DefaultFullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            req.headers()
                    .set(HttpHeaderNames.HOST, address.getHostString() + ":" + address.getPort())
                    .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                    .set(HttpHeaderNames.USER_AGENT, "dyno-router-health")
                    .set(HttpHeaderNames.CONTENT_LENGTH, 0);
            f.channel().writeAndFlush(req);
        });
        return result;
    }
}
