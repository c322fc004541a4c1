package dyno.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;

/**
 * How a client's request head is checked and rewritten before a dyno sees it: one origin-form
 * HTTP/1.1 request with one valid Host, unambiguous framing, no hop-by-hop headers, no credential of
 * the daemon's control API, and the router's forwarding headers.
 */
final class RequestHeads {
    /** Why a request is answered by the router itself. */
    record Refusal(RouteError error, String detail) {
    }

    private RequestHeads() {
    }

    /**
     * Records the request in {@code ex} (for the access line) and rewrites it for a dyno; returns why
     * it must be refused instead, or null. {@code from.localHost()} is the router's address as the
     * client reached it, the Host of an HTTP/1.0 request that had none.
     */
    static Refusal prepare(HttpRequest req, Exchange ex, ClientAddress from, long nowMillis) {
        String clientIp = from.ip();
        ex.secure = from.secure();
        ex.http2 = from.http2();
        ex.request = req;
        ex.method = req.method().name();
        ex.path = req.uri();
        HttpHeaders h = req.headers();
        ex.host = h.get(HttpHeaderNames.HOST, "");
        ex.fwd = clientIp;
        ex.requestId = "";
        ex.headRequest = HttpMethod.HEAD.equals(req.method());
        ex.receivedAll = req instanceof LastHttpContent;
        if (req.decoderResult().isFailure()) {
            Throwable cause = req.decoderResult().cause();
            String detail = cause instanceof CheckedHeaders.MalformedRequestException m ? m.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            return new Refusal(cause instanceof TooLongHttpHeaderException ? RouteError.HEAD_TOO_LARGE
                    : RouteError.BAD_REQUEST, detail);
        }
        if (h instanceof CheckedHeaders checked) {
            checked.seal();
        }
        String problem = RequestChecks.problem(req);
        if (problem != null) {
            return new Refusal(RouteError.BAD_REQUEST, problem);
        }
        String expect = h.get(HttpHeaderNames.EXPECT);
        if (expect != null && !HttpHeaderValues.CONTINUE.contentEqualsIgnoreCase(expect.trim())) {
            return new Refusal(RouteError.EXPECTATION_FAILED, "Expect: " + expect);
        }
        ex.path = req.uri();
        if (!h.contains(HttpHeaderNames.HOST)) {
            h.set(HttpHeaderNames.HOST, from.localHost()); // an HTTP/1.0 request: forwarded as 1.1, which needs one
        }
        ex.host = h.get(HttpHeaderNames.HOST, "");
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED); // checked: a lone chunked
        }
        ex.clientHttp10 = req.protocolVersion().equals(HttpVersion.HTTP_1_0);
        ex.clientKeepAlive = HttpUtil.isKeepAlive(req);
        ex.upgradeRequested = Headers.isUpgrade(h);
        Headers.stripHopByHop(h, ex.upgradeRequested);
        Headers.stripDynoCredentials(h);
        ex.requestId = Headers.addForwarding(h, clientIp, from.localPort(), from.secure(), nowMillis);
        ex.fwd = h.get(Headers.X_FORWARDED_FOR);
        req.setProtocolVersion(HttpVersion.HTTP_1_1); // dyno connections are always HTTP/1.1 keep-alive
        return null;
    }
}
