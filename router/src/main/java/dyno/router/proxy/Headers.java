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
    static final AsciiString X_FORWARDED_HOST = AsciiString.cached("x-forwarded-host");
    static final AsciiString FORWARDED = AsciiString.cached("forwarded");
    static final AsciiString VIA = AsciiString.cached("via");
    static final AsciiString X_FORWARDED_PROTO = AsciiString.cached("x-forwarded-proto");
    static final AsciiString X_FORWARDED_PORT = AsciiString.cached("x-forwarded-port");
    static final AsciiString X_REQUEST_START = AsciiString.cached("x-request-start");
    static final AsciiString X_REQUEST_ID = AsciiString.cached("x-request-id");
    static final AsciiString CONNECT_TIME = AsciiString.cached("connect-time");
    static final AsciiString TOTAL_ROUTE_TIME = AsciiString.cached("total-route-time");
    static final AsciiString KEEP_ALIVE = AsciiString.cached("keep-alive");
    static final AsciiString VIA_VALUE = AsciiString.cached("1.1 dyno");
    static final AsciiString HTTP = AsciiString.cached("http");
    static final AsciiString HTTPS = AsciiString.cached("https");
    static final AsciiString X_DYNO_SESSION = AsciiString.cached("x-dyno-session");
    static final AsciiString X_DYNO_DASHBOARD = AsciiString.cached("x-dyno-dashboard");
    /** The dashboard's session cookie of earlier versions: {@code dyno_session} or {@code dyno_session_PORT}. */
    private static final String SESSION_COOKIE = "dyno_session";

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

    /**
     * Removes what the daemon's control API takes as a dashboard credential: the {@code X-Dyno-Session}
     * and {@code X-Dyno-Dashboard} headers, and any {@code dyno_session[_PORT]} crumb of {@code Cookie}
     * (browsers send a cookie for 127.0.0.1 to every port). A dyno, or whatever else listens behind
     * the router, could otherwise replay them against the API.
     */
    static void stripDynoCredentials(HttpHeaders h) {
        h.remove(X_DYNO_SESSION);
        h.remove(X_DYNO_DASHBOARD);
        if (!h.contains(HttpHeaderNames.COOKIE)) {
            return;
        }
        List<String> cookies = h.getAll(HttpHeaderNames.COOKIE);
        List<String> kept = null;
        for (int i = 0; i < cookies.size(); i++) {
            String c = cookies.get(i);
            String k = c.contains(SESSION_COOKIE) ? withoutSessionCrumbs(c) : c;
            if (k != c && kept == null) {
                kept = new ArrayList<>(cookies.subList(0, i));
            }
            if (kept != null && !k.isEmpty()) {
                kept.add(k);
            }
        }
        if (kept != null) { // else the common case: every line goes on byte for byte
            h.remove(HttpHeaderNames.COOKIE);
            for (String k : kept) {
                h.add(HttpHeaderNames.COOKIE, k);
            }
        }
    }

    /**
     * The crumbs of one Cookie line but the session ones, joined with "; " (empty when none is left);
     * the line itself when it has none.
     */
    private static String withoutSessionCrumbs(String cookie) {
        StringBuilder b = new StringBuilder(cookie.length());
        boolean cut = false;
        for (String crumb : cookie.split(";")) {
            String c = crumb.trim();
            int eq = c.indexOf('=');
            if (isSessionCookie((eq < 0 ? c : c.substring(0, eq)).trim())) {
                cut = true;
                continue;
            }
            if (!c.isEmpty()) {
                b.append(b.length() > 0 ? "; " : "").append(c);
            }
        }
        return cut ? b.toString() : cookie;
    }

    private static boolean isSessionCookie(String name) {
        if (!name.startsWith(SESSION_COOKIE)) {
            return false;
        }
        int n = SESSION_COOKIE.length();
        if (name.length() == n) {
            return true;
        }
        if (name.charAt(n) != '_' || name.length() == n + 1) {
            return false;
        }
        for (int i = n + 1; i < name.length(); i++) {
            if (name.charAt(i) < '0' || name.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /**
     * Adds the forwarding headers known before a dyno is chosen; returns the request id used. The
     * router is the edge, as Heroku's is: {@code X-Forwarded-For} keeps what the client sent (all of
     * its lines, joined in order) and appends the client's address; {@code X-Forwarded-Proto} and
     * {@code -Port} are the router's; {@code Forwarded} and {@code X-Forwarded-Host}, which the
     * router cannot vouch for and apps use to build URLs, are removed.
     */
    static String addForwarding(HttpHeaders h, String clientIp, int localPort, long startMillis) {
        return addForwarding(h, clientIp, localPort, false, startMillis);
    }

    /** As {@link #addForwarding(HttpHeaders, String, int, long)}; {@code X-Forwarded-Proto: https} when {@code secure}. */
    static String addForwarding(HttpHeaders h, String clientIp, int localPort, boolean secure, long startMillis) {
        String xff = joined(h, X_FORWARDED_FOR);
        h.set(X_FORWARDED_FOR, xff == null ? clientIp : xff + ", " + clientIp);
        h.remove(FORWARDED);
        h.remove(X_FORWARDED_HOST);
        h.set(X_FORWARDED_PROTO, secure ? HTTPS : HTTP);
        h.set(X_FORWARDED_PORT, Integer.toString(localPort));
        h.set(X_REQUEST_START, Long.toString(startMillis));
        String id = h.get(X_REQUEST_ID);
        if (!validRequestId(id)) {
            id = newRequestId();
            h.set(X_REQUEST_ID, id);
        }
        addVia(h);
        return id;
    }

    /** Every non-blank line of a list header joined with ", ", or null when there is none. */
    private static String joined(HttpHeaders h, AsciiString name) {
        if (!h.contains(name)) {
            return null;
        }
        List<String> all = h.getAll(name);
        StringBuilder b = new StringBuilder();
        for (String v : all) {
            String t = v.trim();
            if (!t.isEmpty()) {
                if (b.length() > 0) {
                    b.append(", ");
                }
                b.append(t);
            }
        }
        return b.length() == 0 ? null : b.toString();
    }

    /** Appends the router to a response's {@code Via}. */
    static void addVia(HttpHeaders h) {
        String via = joined(h, VIA);
        h.set(HttpHeaderNames.VIA, via == null ? VIA_VALUE : via + ", " + VIA_VALUE);
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
