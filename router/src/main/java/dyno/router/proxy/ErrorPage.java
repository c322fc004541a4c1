package dyno.router.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/** The short HTML page answered for each error. */
final class ErrorPage {
    private static final Map<RouteError, byte[]> PAGES = new EnumMap<>(RouteError.class);

    static {
        for (RouteError e : RouteError.values()) {
            String title = e.code() == null ? HttpResponseStatus.valueOf(e.status()).reasonPhrase() : "Application Error";
            String line = e.code() == null ? e.description() : e.code() + " " + e.description();
            String html = "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>" + title
                    + "</title></head>\n<body><h1>" + title + "</h1>\n<p>" + line + "</p></body></html>\n";
            PAGES.put(e, html.getBytes(StandardCharsets.UTF_8));
        }
    }

    private ErrorPage() {
    }

    static FullHttpResponse of(RouteError error, boolean keepAlive) {
        byte[] body = PAGES.get(error);
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                HttpResponseStatus.valueOf(error.status()), Unpooled.wrappedBuffer(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, "text/html; charset=utf-8")
                .set(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_CACHE);
        if (!keepAlive) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }
}
