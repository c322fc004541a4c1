package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dyno.platform.metrics.Metrics;
import dyno.runtime.app.App;
import dyno.runtime.release.Deployer;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.manager.DynoRuntime;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's HTTP+JSON control API on 127.0.0.1, shaped like Heroku's Platform API v3. It
 * answers only requests for its own loopback Host and from no other page's Origin (403 before
 * anything else); then every request needs {@code Authorization: Bearer TOKEN} or a dashboard session
 * in {@code X-Dyno-Session} (never a cookie: browsers send those to every port of 127.0.0.1); bad
 * input gets 422 and changes nothing. Also serves {@code GET /metrics} (Prometheus) and the dashboard
 * under {@code /dashboard}. The endpoints are {@link Resource}s in a {@link RouteTable}; more can be
 * passed to the constructor.
 */
public final class ControlApi implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ControlApi.class);

    private final byte[] token;
    private final HttpServer server;
    private final ExecutorService executor;
    private final Metrics metrics;
    private final boolean metricsPublic;
    private final Dashboard dashboard;
    private final RouteTable routes = new RouteTable();
    /** The Host values this API answers: its loopback names with its port. */
    private final List<String> hosts;
    /** The origins of pages it served itself; a request from any other page is refused. */
    private final List<String> origins;
    private volatile boolean closing;

    /** Listens on 127.0.0.1:{@code port} with the standard resources; see the full constructor. */
    public ControlApi(App app, DynoRuntime manager, LogBuffer logs, String token, Runnable shutdown, Metrics metrics,
                      int port, boolean metricsPublic) throws IOException {
        this(app, manager, logs, token, shutdown, metrics, port, metricsPublic, 0, null, List.of());
    }

    /**
     * Listens on 127.0.0.1:{@code port} (0 for any free port).
     *
     * @param metricsPublic whether {@code GET /metrics} is served without the token
     * @param routerPort    the router's port, for the app's {@code web_url} (0: none)
     * @param manager       where the dynos run: local processes ({@link DynoManager}) or another runtime
     * @param deployer      the app's releases, for config vars, releases, one-off dynos (local runtime only)
     *                      and restarts that pick up {@code .env} edits; null: none of those, restarts by the
     *                      manager alone
     * @param extra         resources served besides the standard ones (a method and path may be routed once)
     */
    public ControlApi(App app, DynoRuntime manager, LogBuffer logs, String token, Runnable shutdown, Metrics metrics,
                      int port, boolean metricsPublic, int routerPort, Deployer deployer,
                      List<? extends Resource> extra) throws IOException {
        requireNonNull(app, "app");
        requireNonNull(manager, "manager");
        requireNonNull(logs, "logs");
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.metrics = requireNonNull(metrics, "metrics");
        this.metricsPublic = metricsPublic;
        Clock clock = Clock.systemUTC();
        this.dashboard = new Dashboard(app, manager, logs, metrics, new Sessions(clock));
        Instant since = clock.instant();
        List<Resource> resources = new ArrayList<>(List.of(
                new AccountResource(since),
                new AppResource(app, manager, routerPort, since),
                new AddOnResource(),
                new CollaboratorResource(),
                new FormationResource(app, manager),
                new DynoResource(app, manager, deployer != null ? deployer::restart : manager::restart),
                new DynoSizeResource(),
                new LogResource(logs, new LogSessions(clock), () -> closing),
                new DaemonActions(shutdown, dashboard)));
        if (deployer != null) {
            resources.add(new ConfigVarResource(deployer));
            resources.add(new ReleaseResource(app, deployer.releases()));
            if (manager instanceof DynoManager local) { // one-off dynos are local processes
                resources.add(new OneOffResource(app, local, deployer.releases()));
            }
        }
        resources.addAll(extra);
        resources.forEach(r -> r.register(routes));
        try {
            this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        } catch (java.net.BindException e) {
            throw new IOException("control API: cannot listen on 127.0.0.1:" + port + " (" + e.getMessage() + ")", e);
        }
        int bound = server.getAddress().getPort();
        this.hosts = List.of("127.0.0.1:" + bound, "localhost:" + bound, "[::1]:" + bound);
        this.origins = hosts.stream().map(h -> "http://" + h).toList();
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
                // a logplex_url carries its own one-time credential, which its handler checks
                if (!bearer && !session && !routes.urlCredential(ex.getRequestMethod(), path)) {
                    throw new ApiError(401, "unauthorized", "missing or wrong bearer token (see .dyno/daemon.json)"
                            + " or dashboard session (X-Dyno-Session)"
                            + (path.equals("/metrics") ? "; start with --metrics-public to scrape without it" : ""));
                }
                routes.dispatch(ex, bearer);
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

    private void metrics(HttpExchange ex) throws IOException {
        if (!ex.getRequestMethod().equals("GET")) {
            ex.getResponseHeaders().set("Allow", "GET");
            throw new ApiError(405, "method_not_allowed", ex.getRequestMethod() + " /metrics (expected: GET)");
        }
        byte[] bytes = metrics.scrape().getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length);
        ex.getResponseBody().write(bytes);
    }

    private static void error(HttpExchange ex, ApiError e) throws IOException {
        Request.send(ex, e.status, JSON.createObjectNode().put("id", e.id).put("message", e.getMessage()));
    }
}
