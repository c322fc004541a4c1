package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dyno.platform.metrics.Metrics;
import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoManager;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP+JSON control API on 127.0.0.1, shaped like Heroku's Platform API v3. It
 * answers only requests for its own loopback Host and from no other page's Origin (403 before
 * anything else); then every request needs {@code Authorization: Bearer TOKEN} or a dashboard session
 * in {@code X-Dyno-Session} (never a cookie: browsers send those to every port of 127.0.0.1); bad
 * input gets 422 and changes nothing. Also serves {@code GET /metrics} (Prometheus) and the dashboard
 * under {@code /dashboard}.
 */
public final class ControlApi implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ControlApi.class);
    private static final int MAX_BODY = 64 * 1024;

    private final App app;
    private final DynoManager manager;
    private final LogBuffer logs;
    private final byte[] token;
    private final Runnable shutdown;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Metrics metrics;
    private final boolean metricsPublic;
    private final Dashboard dashboard;
    /** The Host values this API answers: its loopback names with its port. */
    private final List<String> hosts;
    /** The origins of pages it served itself; a request from any other page is refused. */
    private final List<String> origins;
    private volatile boolean closing;

    /**
     * Listens on 127.0.0.1:{@code port} (0 for any free port).
     *
     * @param metricsPublic whether {@code GET /metrics} is served without the token
     */
    public ControlApi(App app, DynoManager manager, LogBuffer logs, String token, Runnable shutdown, Metrics metrics,
                      int port, boolean metricsPublic) throws IOException {
        this.app = app;
        this.manager = manager;
        this.logs = logs;
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.shutdown = shutdown;
        this.metrics = metrics;
        this.metricsPublic = metricsPublic;
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (java.net.BindException e) {
            throw new IOException("control API: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")", e);
        }
        int bound = server.getAddress().getPort();
        this.hosts = List.of("127.0.0.1:" + bound, "localhost:" + bound, "[::1]:" + bound);
        this.origins = hosts.stream().map(h -> "http://" + h).toList();
        this.dashboard = new Dashboard(app, manager, logs, metrics, new Sessions(java.time.Clock.systemUTC()));
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "dyno-api");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /** The port the API listens on (127.0.0.1). */
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        closing = true;
        server.stop(0);
        executor.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                checkCaller(ex);
                String path = ex.getRequestURI().getRawPath();
                boolean bearer = authorized(ex);
                if (path.equals(Dashboard.PATH) || path.startsWith(Dashboard.PATH + "/")) {
                    dashboard.handle(ex, path.substring(Dashboard.PATH.length()), bearer);
                    return;
                }
                boolean session = !bearer && dashboard.hasSession(ex);
                if (path.equals("/metrics") && (bearer || session || metricsPublic)) {
                    metrics(ex);
                    return;
                }
                if (!bearer && !session) {
                    throw new ApiError(401, "unauthorized", "missing or wrong bearer token (see .dyno/daemon.json)"
                            + " or dashboard session (X-Dyno-Session)"
                            + (path.equals("/metrics") ? "; start with --metrics-public to scrape without it" : ""));
                }
                route(ex);
            } catch (ApiError e) {
                error(ex, e);
            } catch (IllegalArgumentException e) {
                error(ex, ApiError.invalid(e.getMessage()));
            } catch (RuntimeException e) {
                logger.warn("control API request {} {} failed", ex.getRequestMethod(), ex.getRequestURI(), e);
                error(ex, new ApiError(500, "internal_error", String.valueOf(e.getMessage())));
            }
        }
    }

    /**
     * Refuses, before any credential is looked at, a request for another name than this API's own
     * (a DNS-rebinding page reaches 127.0.0.1 under its own name, which the browser sends as Host) and
     * a request a page of another origin made (a dyno's page on the router's port included).
     */
    private void checkCaller(HttpExchange ex) {
        List<String> host = ex.getRequestHeaders().get("Host");
        if (host == null || host.size() != 1 || !hosts.contains(host.get(0).trim().toLowerCase(Locale.ROOT))) {
            throw new ApiError(403, "forbidden", "Host: " + (host == null ? "(none)" : String.join(", ", host))
                    + " (expected: " + String.join(", ", hosts) + "); the API answers only its own loopback address");
        }
        List<String> origin = ex.getRequestHeaders().get("Origin");
        if (origin != null) {
            for (String o : origin) {
                if (!origins.contains(o.trim().toLowerCase(Locale.ROOT))) {
                    throw new ApiError(403, "forbidden", "Origin: " + o + " (expected none or one of: "
                            + String.join(", ", origins) + "); pages of other origins may not use the API");
                }
            }
        }
    }

    private boolean authorized(HttpExchange ex) {
        String header = ex.getRequestHeaders().getFirst("Authorization");
        if (header == null || !header.startsWith("Bearer ")) {
            return false;
        }
        return MessageDigest.isEqual(token, header.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private void route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String[] p = ex.getRequestURI().getRawPath().replaceAll("/+$", "").split("/");
        // p[0] is "" (leading slash)
        if (p.length == 2 && p[1].equals("dyno-sizes") && method.equals("GET")) {
            json(ex, 200, Shapes.sizes());
            return;
        }
        if (p.length == 2 && p[1].equals("dashboard-logins") && method.equals("POST")) {
            if (!authorized(ex)) {
                throw new ApiError(401, "unauthorized", "a dashboard login needs the bearer token, not a session");
            }
            json(ex, 201, dashboard.newLogin(ex));
            return;
        }
        if (p.length < 3 || !p[1].equals("apps")) {
            throw ApiError.notFound("no such endpoint: " + method + " " + ex.getRequestURI().getPath());
        }
        String appName = URLDecoder.decode(p[2], StandardCharsets.UTF_8);
        if (!appName.equals(app.name())) {
            throw ApiError.notFound("no app \"" + appName + "\" here (this daemon runs \"" + app.name() + "\")");
        }
        String resource = p.length > 3 ? p[3] : "";
        String id = p.length > 4 ? URLDecoder.decode(p[4], StandardCharsets.UTF_8) : null;
        String key = method + " " + resource + (id == null ? "" : "/id") + (p.length > 5 ? "/" + String.join("/", java.util.Arrays.copyOfRange(p, 5, p.length)) : "");
        switch (key) {
            case "GET " -> json(ex, 200, appInfo());
            case "GET formation" -> json(ex, 200, formationList(manager.formation()));
            case "PATCH formation" -> json(ex, 200, batchUpdate(body(ex)));
            case "GET formation/id" -> json(ex, 200, Shapes.formation(app, entry(id)));
            case "PATCH formation/id" -> json(ex, 200, updateOne(id, body(ex)));
            case "GET dynos" -> json(ex, 200, dynoList());
            case "GET dynos/id" -> json(ex, 200, Shapes.dyno(app, dyno(id)));
            case "DELETE dynos" -> {
                await(manager.restart(null));
                json(ex, 202, JSON.createObjectNode());
            }
            case "DELETE dynos/id" -> {
                target(id);
                await(manager.restart(id));
                json(ex, 202, JSON.createObjectNode());
            }
            case "POST dynos/id/actions/stop" -> {
                target(id);
                await(manager.restart(id));
                json(ex, 202, JSON.createObjectNode());
            }
            case "GET log-lines" -> logLines(ex);
            case "GET log-stream" -> logStream(ex);
            case "POST actions/id" -> {
                if (!"shutdown".equals(id)) {
                    throw ApiError.notFound("no such action: " + id);
                }
                json(ex, 202, JSON.createObjectNode().put("message", "stopping"));
                Thread t = new Thread(shutdown, "dyno-shutdown");
                t.start();
            }
            default -> throw ApiError.notFound("no such endpoint: " + method + " " + ex.getRequestURI().getPath());
        }
    }

    private ObjectNode appInfo() {
        ObjectNode n = JSON.createObjectNode();
        n.put("name", app.name());
        n.put("dir", app.dir().toString());
        n.set("process_types", JSON.valueToTree(app.procfile().names()));
        return n;
    }

    private ArrayNode formationList(Formation f) {
        ArrayNode list = JSON.createArrayNode();
        f.entries().forEach(e -> list.add(Shapes.formation(app, e)));
        return list;
    }

    private ArrayNode dynoList() {
        ArrayNode list = JSON.createArrayNode();
        manager.dynos().forEach(d -> list.add(Shapes.dyno(app, d)));
        return list;
    }

    private FormationEntry entry(String type) {
        return manager.formation().entry(type).orElseThrow(() -> ApiError.notFound(
                "no process type \"" + type + "\" (expected one of: " + String.join(", ", app.procfile().names()) + ")"));
    }

    private DynoInfo dyno(String name) {
        return manager.dynos().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> ApiError.notFound("no dyno \"" + name + "\""));
    }

    private void target(String id) {
        boolean known = app.procfile().type(id).isPresent()
                || manager.dynos().stream().anyMatch(d -> d.name().equals(id));
        if (!known) {
            throw ApiError.notFound("no dyno or process type \"" + id + "\"");
        }
    }

    private ArrayNode batchUpdate(JsonNode body) {
        JsonNode updates = body.path("updates");
        if (!updates.isArray() || updates.isEmpty()) {
            throw ApiError.invalid("updates: expected a non-empty array of {\"type\", \"quantity\", \"size\"}");
        }
        List<FormationEntry> entries = new ArrayList<>();
        for (int i = 0; i < updates.size(); i++) {
            JsonNode u = updates.get(i);
            if (!u.path("type").isTextual()) {
                throw ApiError.invalid("updates[" + i + "].type: expected a process type name");
            }
            entries.add(parseEntry("updates[" + i + "].", u.get("type").asText(), u));
        }
        return formationList(apply(entries));
    }

    private ObjectNode updateOne(String type, JsonNode body) {
        entry(type);
        Formation f = apply(List.of(parseEntry("", type, body)));
        return Shapes.formation(app, f.entry(type).orElseThrow());
    }

    private FormationEntry parseEntry(String prefix, String type, JsonNode u) {
        if (!u.isObject()) {
            throw ApiError.invalid(prefix.isEmpty() ? "body: expected a JSON object" : prefix + ": expected an object");
        }
        FormationEntry current = manager.formation().entry(type).orElseThrow(() -> ApiError.invalid(
                prefix + "type: unknown process type \"" + type + "\" (expected one of: "
                        + String.join(", ", app.procfile().names()) + ")"));
        int quantity = current.quantity();
        if (u.has("quantity")) {
            JsonNode q = u.get("quantity");
            if (!q.isIntegralNumber() || !q.canConvertToInt() || q.asInt() < 0 || q.asInt() > FormationEntry.MAX_DYNOS) {
                throw ApiError.invalid(prefix + "quantity: " + q + " (expected: 0.." + FormationEntry.MAX_DYNOS + ")");
            }
            quantity = q.asInt();
        }
        DynoSize size = current.size();
        if (u.has("size")) {
            JsonNode s = u.get("size");
            if (!s.isTextual()) {
                throw ApiError.invalid(prefix + "size: " + s + " (expected one of: " + DynoSize.allowed() + ")");
            }
            try {
                size = DynoSize.parse(s.asText());
            } catch (IllegalArgumentException e) {
                throw ApiError.invalid(prefix + e.getMessage());
            }
        }
        return new FormationEntry(type, quantity, size);
    }

    private Formation apply(List<FormationEntry> entries) {
        Formation next = manager.formation();
        for (FormationEntry e : entries) {
            next = next.with(e); // throws IllegalArgumentException (422) past 100 dynos, before anything changes
        }
        return await(manager.update(next));
    }

    private void metrics(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            throw new ApiError(405, "method_not_allowed", ex.getRequestMethod() + " /metrics (expected: GET)");
        }
        byte[] bytes = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private void logLines(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        int n = parseLines(q.get("lines"));
        StringBuilder out = new StringBuilder();
        for (LogLine line : logs.tail(n, filter(q))) {
            out.append(line.format()).append('\n');
        }
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    private void logStream(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex);
        int n = parseLines(q.get("lines"));
        Predicate<LogLine> filter = filter(q);
        BlockingQueue<LogLine> live = new ArrayBlockingQueue<>(4096);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        try (AutoCloseable sub = logs.subscribe(l -> {
            if (filter.test(l)) {
                live.offer(l);
            }
        })) {
            for (LogLine line : logs.tail(n, filter)) {
                out.write((line.format() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (!closing) {
                LogLine line = live.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    out.write((line.format() + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException clientGone) {
            // the client stopped reading
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int parseLines(String value) {
        if (value == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0 || n > LogBuffer.DEFAULT_CAPACITY) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.invalid("lines: \"" + value + "\" (expected: 0.." + LogBuffer.DEFAULT_CAPACITY + ")");
        }
    }

    private static Predicate<LogLine> filter(Map<String, String> q) {
        String source = q.get("source");
        String dyno = q.get("dyno");
        if (source != null && !source.equals(LogLine.APP) && !source.equals(LogLine.DYNO)) {
            throw ApiError.invalid("source: \"" + source + "\" (expected: app or dyno)");
        }
        return l -> (source == null || l.source().equals(source))
                && (dyno == null || l.dyno().equals(dyno) || (!dyno.contains(".") && l.dyno().startsWith(dyno + ".")));
    }

    private static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return out;
    }

    private static JsonNode body(HttpExchange ex) throws IOException {
        InputStream in = ex.getRequestBody();
        byte[] bytes = in.readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw ApiError.invalid("body: larger than " + MAX_BODY + " bytes");
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiError.invalid("body: expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("body: malformed JSON: " + e.getOriginalMessage());
        }
    }

    private static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(10, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw ApiError.invalid(iae.getMessage());
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out");
        }
    }

    private static void json(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange ex, ApiError e) throws IOException {
        json(ex, e.status, JSON.createObjectNode().put("id", e.id).put("message", e.getMessage()));
    }
}
