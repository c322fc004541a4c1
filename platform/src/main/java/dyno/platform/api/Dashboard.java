package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The dashboard's pages under {@code /dashboard}: the page and its bundled assets (no data in them,
 * served to anyone on the API's own Host), the sign-in (a one-time code for a session token the page
 * keeps in its tab's {@code sessionStorage} and sends as {@code X-Dyno-Session}), and the state the
 * page polls each second. No cookie carries a credential: browsers send a 127.0.0.1 cookie to every
 * port of 127.0.0.1, the router's and its dynos' included.
 */
final class Dashboard {
    static final String PATH = "/dashboard";
    /** The request header that carries a session token; the router never forwards it to a dyno. */
    static final String SESSION_HEADER = "X-Dyno-Session";
    private static final int MAX_SIGN_IN_BODY = 4096;
    /** uPlot's files in its WebJar, whichever version the build bundled. */
    private static final String UPLOT = "META-INF/resources/webjars/uplot/" + webJarVersion("uplot") + "/dist/";
    /** Asset name to classpath resource and content type; nothing else is served. */
    private static final Map<String, String[]> ASSETS = Map.of(
            "app.js", new String[] {"dashboard/app.js", "text/javascript; charset=utf-8"},
            "charts.js", new String[] {"dashboard/charts.js", "text/javascript; charset=utf-8"},
            "app.css", new String[] {"dashboard/app.css", "text/css; charset=utf-8"},
            "uPlot.min.js", new String[] {UPLOT + "uPlot.iife.min.js", "text/javascript; charset=utf-8"},
            "uPlot.min.css", new String[] {UPLOT + "uPlot.min.css", "text/css; charset=utf-8"});

    private final Supplier<ObjectNode> state;
    private final Sessions sessions;

    /** @param state one poll's worth of what the page shows (an app's dynos, or a router's backends) */
    Dashboard(Supplier<ObjectNode> state, Sessions sessions) {
        this.state = state;
        this.sessions = sessions;
    }

    /** Whether the request's {@code X-Dyno-Session} header names a live session. */
    boolean hasSession(HttpExchange ex) {
        return sessions.valid(ex.getRequestHeaders().getFirst(SESSION_HEADER));
    }

    /**
     * A login link for whoever holds the token; the code in it works once. It travels in the URL's
     * fragment, which the browser keeps to itself: not in the request, the Referer or a proxy's log.
     */
    ObjectNode newLogin(HttpExchange ex) {
        String url = "http://127.0.0.1:" + ex.getLocalAddress().getPort() + PATH + "#code=" + sessions.newCode();
        return JSON.createObjectNode().put("url", url).put("expires_in", Sessions.CODE_TTL.toSeconds());
    }

    /** Serves {@code /dashboard...}; {@code bearer} tells whether the API token came with the request. */
    void handle(HttpExchange ex, String sub, boolean bearer) throws IOException {
        String method = ex.getRequestMethod();
        if (sub.equals("/sessions")) {
            if (!method.equals("POST")) {
                throw new ApiError(405, "method_not_allowed", method + " " + PATH + sub + " (expected: POST)");
            }
            signIn(ex);
            return;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            throw new ApiError(405, "method_not_allowed", method + " " + PATH + sub + " (expected: GET)");
        }
        switch (sub) {
            case "", "/" -> {
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                ex.getResponseHeaders().set("Referrer-Policy", "no-referrer");
                ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline';"
                        + " img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'");
                send(ex, 200, "text/html; charset=utf-8", resource("dashboard/index.html"));
            }
            case "/state" -> {
                if (!bearer && !hasSession(ex)) {
                    throw new ApiError(401, "unauthorized", "no dashboard session: run dyno dashboard");
                }
                byte[] body = JSON.writeValueAsBytes(state.get());
                ex.getResponseHeaders().set("Cache-Control", "no-store");
                send(ex, 200, "application/json", body);
            }
            default -> {
                String[] asset = sub.startsWith("/assets/") ? ASSETS.get(sub.substring(8)) : null;
                if (asset == null) {
                    throw ApiError.notFound("no such page: " + PATH + sub);
                }
                ex.getResponseHeaders().set("Cache-Control", "max-age=300");
                send(ex, 200, asset[1], resource(asset[0]));
            }
        }
    }

    /** {@code POST /dashboard/sessions} {@code {"code": "..."}}: the one-time code for a session token. */
    private void signIn(HttpExchange ex) throws IOException {
        byte[] body = ex.getRequestBody().readNBytes(MAX_SIGN_IN_BODY + 1);
        if (body.length > MAX_SIGN_IN_BODY) {
            throw ApiError.invalid("body: larger than " + MAX_SIGN_IN_BODY + " bytes");
        }
        JsonNode code;
        try {
            code = JSON.readTree(body).path("code");
        } catch (IOException | RuntimeException e) {
            throw ApiError.invalid("body: expected {\"code\": \"...\"} from a dyno dashboard link");
        }
        if (!code.isTextual()) {
            throw ApiError.invalid("code: expected the code of a dyno dashboard link");
        }
        String session = sessions.redeem(code.asText()).orElseThrow(() -> new ApiError(401, "unauthorized",
                "this login link was used already or has expired; run dyno dashboard again"));
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 201, "application/json", JSON.writeValueAsBytes(JSON.createObjectNode()
                .put("session", session).put("expires_in", Sessions.SESSION_TTL.toSeconds())));
    }

    private static String webJarVersion(String artifact) {
        String pom = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(pom)) {
            java.util.Properties p = new java.util.Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "missing-from-the-build");
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("reading " + pom, e);
        }
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = Dashboard.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("missing from the build: " + name);
            }
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length);
        if (!head) {
            ex.getResponseBody().write(body);
        }
    }
}
