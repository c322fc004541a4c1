package dyno.router.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;

/**
 * The router's session affinity cookie, {@value #NAME}: its value is the name of the dyno that
 * served the client. It is taken out of requests (the dyno never sees it) and set on responses from
 * another dyno than it named. Only names of the router's form (letters, digits, {@code .-_}) count.
 */
final class AffinityCookie {
    static final String NAME = "dyno-session-affinity";
    /** Heroku's: one day. */
    static final int MAX_AGE_SECONDS = 86_400;
    private static final int MAX_VALUE = 64;

    private AffinityCookie() {
    }

    /** Removes the cookie from {@code h} and returns the dyno it names, or null. */
    static String take(HttpHeaders h) {
        if (!h.contains(HttpHeaderNames.COOKIE)) {
            return null;
        }
        List<String> lines = h.getAll(HttpHeaderNames.COOKIE);
        String found = null;
        List<String> kept = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.contains(NAME)) {
                if (kept != null) {
                    kept.add(line);
                }
                continue;
            }
            if (kept == null) {
                kept = new ArrayList<>(lines.subList(0, i));
            }
            StringBuilder rest = new StringBuilder(line.length());
            for (String crumb : line.split(";")) {
                String c = crumb.trim();
                int eq = c.indexOf('=');
                if (eq > 0 && c.substring(0, eq).trim().equals(NAME)) {
                    String v = c.substring(eq + 1).trim();
                    if (found == null && valid(v)) {
                        found = v;
                    }
                } else if (!c.isEmpty()) {
                    rest.append(rest.length() == 0 ? "" : "; ").append(c);
                }
            }
            if (rest.length() > 0) {
                kept.add(rest.toString());
            }
        }
        if (kept != null) {
            h.remove(HttpHeaderNames.COOKIE);
            for (String k : kept) {
                h.add(HttpHeaderNames.COOKIE, k);
            }
        }
        return found;
    }

    /** Adds the {@code Set-Cookie} naming {@code dyno}; {@code Secure} for a client that came through TLS. */
    static void set(HttpHeaders response, String dyno, boolean secure) {
        response.add(HttpHeaderNames.SET_COOKIE, NAME + "=" + dyno + "; Max-Age=" + MAX_AGE_SECONDS
                + "; Path=/; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
    }

    private static boolean valid(String v) {
        if (v.isEmpty() || v.length() > MAX_VALUE) {
            return false;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-'
                    || c == '_')) {
                return false;
            }
        }
        return true;
    }
}
