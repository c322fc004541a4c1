package dyno.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;

/**
 * How a dyno's final response head is rewritten for the client, and whether the dyno's connection
 * may carry another request after it.
 */
final class ResponseHeads {
    private ResponseHeads() {
    }

    /**
     * Strips hop-by-hop headers, adds {@code Via}, and frames the body for the client: an HTTP/1.1
     * client gets chunked when the dyno gave no length (it ends the body by closing), an HTTP/1.0
     * client gets the body ended by a close. Returns true when the client connection must close
     * after this response.
     */
    static boolean prepare(HttpResponse res, Exchange ex) {
        HttpHeaders h = res.headers();
        Headers.stripHopByHop(h, false);
        Headers.addVia(h);
        boolean close = !ex.clientKeepAlive || !ex.receivedAll; // a response before the whole request: close
        if (!bodyless(res, ex)) {
            boolean chunked = HttpUtil.isTransferEncodingChunked(res);
            boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
            if (ex.clientHttp10) {
                if (chunked) {
                    HttpUtil.setTransferEncodingChunked(res, false);
                    close = true;
                } else if (!hasLength) {
                    close = true;
                }
            } else if (!chunked && !hasLength) {
                HttpUtil.setTransferEncodingChunked(res, true);
            }
        }
        if (close) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (ex.clientHttp10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        return close;
    }

    /**
     * The dyno may be sent another request on this connection after this response: it is
     * keep-alive (HTTP/1.1, or 1.0 with {@code Connection: keep-alive}) and its end is known
     * without a close (no body allowed, a Content-Length, or chunked). Read before {@link #prepare}.
     */
    static boolean reusable(HttpResponse res, Exchange ex) {
        return HttpUtil.isKeepAlive(res) && (bodyless(res, ex) || HttpUtil.isTransferEncodingChunked(res)
                || res.headers().contains(HttpHeaderNames.CONTENT_LENGTH));
    }

    private static boolean bodyless(HttpResponse res, Exchange ex) {
        int code = res.status().code();
        return ex.headRequest || code == 204 || code == 304;
    }

    /** RFC 9110 section 9.2.2: a request that may be sent twice with the effect of once. */
    static boolean idempotent(HttpMethod m) {
        return HttpMethod.GET.equals(m) || HttpMethod.HEAD.equals(m) || HttpMethod.OPTIONS.equals(m)
                || HttpMethod.PUT.equals(m) || HttpMethod.DELETE.equals(m) || HttpMethod.TRACE.equals(m);
    }
}
