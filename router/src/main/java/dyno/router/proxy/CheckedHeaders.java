package dyno.router.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.util.AsciiString;

/**
 * Headers that refuse, while the decoder fills them, the framing ambiguities Netty would otherwise
 * normalize away (it drops Content-Length next to Transfer-Encoding) or pass on (a Transfer-Encoding
 * other than a single {@code chunked}, which the peer could read differently). Request headers also
 * enforce Heroku's per-line and count limits and a single Host. A violation throws inside the
 * decoder, which turns it into a failed {@code DecoderResult}: the proxy answers 400 to a client and
 * 502 (H17) for a dyno's response, as nginx does. {@link #seal()} ends checking once decoded.
 */
final class CheckedHeaders extends DefaultHttpHeaders {
    static final int MAX_LINE = 8192;
    static final int MAX_NAME = 1000;
    static final int MAX_HEADERS = 1000;

    static final HttpHeadersFactory REQUESTS = factory(false);
    static final HttpHeadersFactory RESPONSES = factory(true);

    private final boolean response;
    private boolean sealed;
    private int count;
    private String contentLength;
    private boolean transferEncoding;
    private boolean host;

    /** Thrown for a request the router refuses to decode further. */
    static final class MalformedRequestException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        MalformedRequestException(String message) {
            super(message);
        }
    }

    private CheckedHeaders(boolean response) {
        this.response = response;
    }

    private static HttpHeadersFactory factory(boolean response) {
        return new HttpHeadersFactory() {
            @Override
            public HttpHeaders newHeaders() {
                return new CheckedHeaders(response);
            }

            @Override
            public HttpHeaders newEmptyHeaders() {
                return DefaultHttpHeadersFactory.headersFactory().newEmptyHeaders();
            }
        };
    }

    @Override
    public HttpHeaders add(CharSequence name, Object value) {
        if (!sealed) {
            check(name, value);
        }
        return super.add(name, value);
    }

    /**
     * Header names that, with {@code _} read as {@code -} (as CGI, WSGI and Rack servers do when they
     * make {@code HTTP_*} variables), would be taken for a framing header or one the router sets: a
     * {@code Transfer_Encoding} the router ignores could frame the body for the dyno, an
     * {@code X_Forwarded_For} could stand in for the router's.
     */
    private static final java.util.Set<String> SHADOWED = java.util.Set.of("content-length", "transfer-encoding",
            "host", "connection", "upgrade", "te", "trailer", "expect", "x-forwarded-for", "x-forwarded-proto",
            "x-forwarded-port", "x-forwarded-host", "forwarded", "x-request-id", "x-request-start", "via",
            "connect-time", "total-route-time");

    private static boolean shadows(CharSequence name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) == '_') {
                return SHADOWED.contains(name.toString().replace('_', '-').toLowerCase(java.util.Locale.ROOT));
            }
        }
        return false;
    }

    void seal() {
        sealed = true;
    }

    private void check(CharSequence name, Object value) {
        if (++count > MAX_HEADERS) {
            throw new MalformedRequestException("more than " + MAX_HEADERS + " headers");
        }
        int nameLength = name.length();
        String text = String.valueOf(value);
        if (!response) {
            if (shadows(name)) {
                throw new MalformedRequestException("header name " + name + " reads as " + name.toString().replace('_', '-')
                        + " to a CGI-style server");
            }
            if (nameLength > MAX_NAME) {
                throw new MalformedRequestException("header name longer than " + MAX_NAME + " bytes");
            }
            if (nameLength + 2 + text.length() > MAX_LINE) {
                throw new MalformedRequestException("header line longer than " + MAX_LINE + " bytes");
            }
        }
        if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.CONTENT_LENGTH)) {
            if (transferEncoding) {
                throw new MalformedRequestException("both Content-Length and Transfer-Encoding");
            }
            if (contentLength != null && !contentLength.equals(text.trim())) {
                throw new MalformedRequestException("conflicting Content-Length headers");
            }
            contentLength = text.trim();
        } else if (AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.TRANSFER_ENCODING)) {
            if (contentLength != null) {
                throw new MalformedRequestException("both Content-Length and Transfer-Encoding");
            }
            if (transferEncoding) {
                throw new MalformedRequestException("more than one Transfer-Encoding header");
            }
            // The router re-frames the body; any coding but a lone chunked could frame it differently.
            if (!HttpHeaderValues.CHUNKED.contentEqualsIgnoreCase(text.trim())) {
                throw new MalformedRequestException("Transfer-Encoding other than chunked");
            }
            transferEncoding = true;
        } else if (!response && AsciiString.contentEqualsIgnoreCase(name, HttpHeaderNames.HOST)) {
            if (host) {
                throw new MalformedRequestException("more than one Host header");
            }
            host = true;
        }
    }
}
