package dyno.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** Header rewriting of SPEC 4: forwarding headers added, hop-by-hop headers removed. */
final class Headers {
    static final AsciiString X_FORWARDED_FOR = AsciiString.cached("x-forwarded-for");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_REQUEST_START = AsciiString.cached("x-request-start");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString CONNECT_TIME = AsciiString.cached("connect-time");
    static final AsciiString TOTAL_ROUTE_TIME = AsciiString.cached("total-route-time");
    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    static final AsciiString VIA_VALUE = AsciiString.cached("1.1 dyno");
    static final AsciiString HTTP = AsciiString.cached("http");

    private Headers() {
    }

    /** True for {@code Connection: upgrade} together with an {@code Upgrade} header. */
    static boolean isUpgrade(HttpHeaders h) {
        return h.contains(HttpHeaderNames.UPGRADE)
                && h.containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    /**
     * Removes hop-by-hop headers: Connection and the headers it names, Keep-Alive, Proxy-*, TE,
     * Trailer, Upgrade. Transfer-Encoding stays for the codec to re-frame. For an upgrade, Upgrade
     * stays and Connection becomes {@code upgrade}. Connection cannot remove Host or the framing
     * headers: without its Content-Length a body would reach the dyno unframed, as the next request.
     */
    static void stripHopByHop(HttpHeaders h, boolean upgrade) {
        if (h.contains(HttpHeaderNames.CONNECTION)) { // getAll() allocates even when there is none
            List<String> connection = h.getAll(HttpHeaderNames.CONNECTION);
            for (String value : connection) {
                for (String token : value.split(",")) {
                    String name = token.trim();
                    if (!name.isEmpty() && !endToEnd(name)
                            && !(upgrade && HttpHeaderNames.UPGRADE.contentEqualsIgnoreCase(name))) {
                        h.remove(name);
                    }
                }
            }
            h.remove(HttpHeaderNames.CONNECTION);
        }
        h.remove(KEEP_ALIVE);
        h.remove(HttpHeaderNames.TE);
        h.remove(HttpHeaderNames.TRAILER);
        if (upgrade) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE);
        } else {
            h.remove(HttpHeaderNames.UPGRADE);
        }
        removeProxyHeaders(h);
    }

    private static boolean endToEnd(String name) {
        return HttpHeaderNames.TRANSFER_ENCODING.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.CONTENT_LENGTH.contentEqualsIgnoreCase(name)
                || HttpHeaderNames.HOST.contentEqualsIgnoreCase(name);
    }

    private static void removeProxyHeaders(HttpHeaders h) {
        List<CharSequence> found = null;
        Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence();
        while (it.hasNext()) {
            CharSequence name = it.next().getKey();
            if (name.length() > 6 && AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6)) {
                if (found == null) {
                    found = new ArrayList<>(2);
                }
                found.add(name);
            }
        }
        if (found != null) {
            for (CharSequence name : found) {
                h.remove(name);
            }
        }
    }

    /** Adds the forwarding headers known before a dyno is chosen; returns the request id used. */
    static String addForwarding(HttpHeaders h, String clientIp, int localPort, long startMillis) {
        String xff = h.get(X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null || xff.isBlank() ? clientIp : xff + ", " + clientIp);
        h.set(X_FORWARDED_PROTO, HTTP);
        h.set(X_FORWARDED_PORT, Integer.toString(localPort));
        h.set(X_REQUEST_START, Long.toString(startMillis));
        String id = h.get(X_REQUEST_ID);
        if (!validRequestId(id)) {
            id = newRequestId();
            h.set(X_REQUEST_ID, id);
        }
        String via = h.get(HttpHeaderNames.VIA);
        if (via == null || via.isBlank()) {
            h.set(HttpHeaderNames.VIA, VIA_VALUE);
        } else {
            h.set(HttpHeaderNames.VIA, via + ", " + VIA_VALUE);
        }
        return id;
    }

    /** Kept when 20 to 200 characters of {@code A-Za-z0-9+/=-}. */
    static boolean validRequestId(String id) {
        if (id == null || id.length() < 20 || id.length() > 200) {
            return false;
        }
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '+' || c == '/' || c == '=' || c == '-';
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** A random (version 4) UUID without SecureRandom's cost on the event loop. */
    static String newRequestId() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        long msb = (r.nextLong() & ~0xF000L) | 0x4000L;
        long lsb = (r.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
