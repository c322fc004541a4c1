package dyno.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

/**
 * What the decoder lets through but a dyno could read differently: the version, the request target
 * and Host (RFC 9112 sections 3.2 and 6.1). {@link #problem} refuses or normalizes a decoded request
 * so that what is forwarded is one origin-form HTTP/1.1 request with one valid Host.
 */
final class RequestChecks {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private RequestChecks() {
    }

    /**
     * Why the request must be refused with 400, or null once it is fit to forward. Rewrites an
     * absolute-form target to origin-form with Host set to its authority, and percent-encodes raw
     * non-ASCII bytes in the target (the decoder read them as ISO-8859-1; written back as UTF-8 they
     * would name another resource).
     */
    static String problem(HttpRequest req) {
        HttpVersion version = req.protocolVersion();
        if (!version.equals(HttpVersion.HTTP_1_1) && !version.equals(HttpVersion.HTTP_1_0)) {
            return "unsupported version " + version.text();
        }
        HttpHeaders h = req.headers();
        if (version.equals(HttpVersion.HTTP_1_0) && h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            return "Transfer-Encoding from an HTTP/1.0 client";
        }
        if (HttpMethod.CONNECT.equals(req.method())) {
            return "CONNECT is not supported";
        }
        String host = h.get(HttpHeaderNames.HOST);
        if (host != null && !validHost(host)) {
            return "invalid Host";
        }
        String uri = req.uri();
        if (uri.startsWith("/")) {
            String target = originForm(uri);
            if (target == null) {
                return "invalid request target";
            }
            if (target != uri) {
                req.setUri(target);
            }
        } else if (uri.equals("*")) {
            if (!HttpMethod.OPTIONS.equals(req.method())) {
                return "asterisk-form target with " + req.method();
            }
        } else {
            String problem = absoluteForm(req, uri, host);
            if (problem != null) {
                return problem;
            }
            host = h.get(HttpHeaderNames.HOST);
        }
        if (host == null && version.equals(HttpVersion.HTTP_1_1)) {
            return "no Host header";
        }
        return null;
    }

    /** Rewrites {@code http://authority/path?query} to {@code /path?query}; Host must match the authority. */
    private static String absoluteForm(HttpRequest req, String uri, String host) {
        int schemeEnd = uri.indexOf("://");
        String scheme = schemeEnd < 0 ? "" : uri.substring(0, schemeEnd);
        if (!scheme.equalsIgnoreCase("http") && !scheme.equalsIgnoreCase("https")) {
            return "invalid request target";
        }
        int authorityStart = schemeEnd + 3;
        int authorityEnd = authorityStart;
        while (authorityEnd < uri.length() && uri.charAt(authorityEnd) != '/' && uri.charAt(authorityEnd) != '?') {
            authorityEnd++;
        }
        String authority = uri.substring(authorityStart, authorityEnd);
        if (authority.isEmpty() || !validHost(authority)) {
            return "invalid authority in the request target";
        }
        if (host != null && !host.equalsIgnoreCase(authority)) {
            return "Host differs from the request target's authority";
        }
        String rest = uri.substring(authorityEnd);
        String target = originForm(rest.startsWith("/") ? rest : "/" + rest);
        if (target == null) {
            return "invalid request target";
        }
        req.setUri(target);
        req.headers().set(HttpHeaderNames.HOST, authority);
        return null;
    }

    /**
     * The origin-form target to forward: the same string when it is clean, with raw bytes above 0x7E
     * percent-encoded, or null for a control byte, space or fragment.
     */
    private static String originForm(String uri) {
        StringBuilder encoded = null;
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c == 0x7f || c == '#' || c > 0xff) {
                return null;
            }
            if (c > 0x7e) {
                if (encoded == null) {
                    encoded = new StringBuilder(uri.length() + 16).append(uri, 0, i);
                }
                encoded.append('%').append(HEX[c >> 4]).append(HEX[c & 0xf]);
            } else if (encoded != null) {
                encoded.append(c);
            }
        }
        return encoded == null ? uri : encoded.toString();
    }

    /**
     * A Host value or authority: a reg-name or IPv4 address, or a bracketed IP literal, with an
     * optional port; empty is allowed (RFC 9112 section 3.2). No userinfo, path, list or spaces.
     */
    static boolean validHost(String host) {
        int portStart;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 2) {
                return false;
            }
            for (int i = 1; i < close; i++) {
                char c = host.charAt(i);
                if (!(isAlnum(c) || c == ':' || c == '.')) {
                    return false;
                }
            }
            portStart = close + 1;
        } else {
            portStart = host.length();
            for (int i = 0; i < host.length(); i++) {
                char c = host.charAt(i);
                if (c == ':') {
                    portStart = i;
                    break;
                }
                if (!(isAlnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '%')) {
                    return false;
                }
            }
        }
        if (portStart == host.length()) {
            return true;
        }
        if (host.charAt(portStart) != ':' || host.length() - portStart > 6) {
            return false;
        }
        for (int i = portStart + 1; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean isAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    }
}
