package dyno.platform.daemon;

import dyno.kubernetes.KubernetesException;
import dyno.kubernetes.KubernetesRuntime;
import dyno.platform.api.ControlApi;
import dyno.platform.autoscale.Autoscaling;
import dyno.platform.autoscale.MonitorResource;
import dyno.platform.client.DaemonInfo;
import dyno.platform.metrics.Metrics;
import dyno.router.AccessLogSink;
import dyno.router.ListenException;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.log.AccessLogSettings;
import dyno.router.log.AccessLogWriter;
import dyno.runtime.app.App;
import dyno.runtime.app.EnvFile;
import dyno.runtime.release.Deployer;
import dyno.runtime.release.ReleaseFailedException;
import dyno.runtime.release.Releases;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.ScaleChange;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.manager.DynoRuntime;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running app: the router in front, the dynos behind it (local processes, or pods with
 * {@code --runtime kubernetes}), the control API beside them. {@code dyno up} runs one in the
 * foreground.
 */
public final class Daemon implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Daemon.class);

    private final App app;
    private final DaemonLock lock;
    private final LogBuffer logs = new LogBuffer();
    private final LogPipe pipe;
    private final Router router;
    /** The access log's own writer ({@code --access-log stdout|FILE}), else null (the app log or off). */
    private final AccessLogWriter accessLog;
    /** Where the dynos run: a {@link DynoManager}, or a {@link KubernetesRuntime}. */
    private final DynoRuntime manager;
    /** The Kubernetes client of a Kubernetes runtime, else null; closed after it. */
    private final AutoCloseable cluster;
    /** Set once the manager exists (never for Kubernetes); closed with the daemon. */
    private Deployer deployer;
    private final ControlApi api;
    /** Web dyno autoscaling; set once the manager runs, closed with the daemon. */
    private Autoscaling autoscaling;
    private final Metrics metrics;
    private final ScheduledExecutorService idler;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<String> hints;
    private volatile boolean closed;
    private IdleWatcher watcher;
    /** The idling in progress (drain, SIGTERM), so that it is asked for once; idler thread only. */
    private java.util.concurrent.CompletableFuture<Void> idling = java.util.concurrent.CompletableFuture.completedFuture(null);
    /** When the idler last saw a request in flight or a tunnel open; idler thread only. */
    private long lastBusyMillis;

    private Daemon(DaemonOptions options, KubernetesTarget kubernetes, Consumer<LogLine> console) throws IOException {
        this.app = App.load(options.dir(), options.appName(), options.envFile(), options.procfile());
        this.lock = DaemonLock.tryAcquire(app.stateDir()).orElseThrow(() -> new DaemonException(
                "app \"" + app.name() + "\" is already running in " + app.dir()
                        + DaemonInfo.readLive(app.dir()).map(d -> " (pid " + d.pid() + ", router on port " + d.routerPort() + ")").orElse("")
                        + "\nHint: stop it first with: dyno down --dir " + app.dir()));
        Formation start;
        AtomicReference<DynoRuntime> managerRef = new AtomicReference<>();
        AtomicReference<Metrics> metricsRef = new AtomicReference<>();
        AccessLogWriter openedLog = null;
        LogPipe openedPipe = null;
        Router startedRouter = null;
        DynoRuntime startedManager = null;
        KubernetesClient client = null;
        try {
            Files.deleteIfExists(DaemonInfo.file(app.dir())); // stale: its daemon no longer holds the lock
            openedLog = openAccessLog(options.accessLog()); // first: an unopenable file leaves nothing running
            this.accessLog = openedLog;
            this.pipe = openedPipe = new LogPipe(logs, app.stateDir().resolve("log"), console);
            RouterConfig routerConfig = options.router().toBuilder()
                    .accessLog(accessLog != null ? accessLog : switch (options.accessLog().destination()) {
                        case OFF -> AccessLogSink.OFF;
                        default -> AccessLogSink.lines(options.accessLog().format(),
                                line -> pipe.offer(new LogLine(Instant.now(), LogLine.DYNO, "router", line)));
                    })
                    .observer((dyno, status, code, connect, service) -> {
                        Metrics m = metricsRef.get();
                        if (m != null) {
                            m.router().requestCompleted(dyno, status, code, connect, service);
                        }
                    })
                    .build();
            // the bridge needs the registry, the router needs the bridge as its listener
            AtomicReference<dyno.router.RouterListener> bridgeRef = new AtomicReference<>();
            try {
                this.router = startedRouter = Router.start(routerConfig, new dyno.router.RouterListener() {
                    @Override
                    public void wakeRequested() {
                        dyno.router.RouterListener b = bridgeRef.get();
                        if (b != null) {
                            b.wakeRequested();
                        }
                    }

                    @Override
                    public void healthChanged(dyno.router.health.HealthTransition t) {
                        // a router line in the app log, like access lines and H-codes
                        pipe.offer(new LogLine(Instant.now(), LogLine.DYNO, "router", t.logfmt()));
                    }
                });
            } catch (ListenException e) {
                // e.g. the port is taken: one line naming the address and the flag, exit 1
                throw new DaemonException("router: " + e.messageWithHint("--port", "--host"));
            }
            checkApiPortFree(options.apiPort()); // before any dyno starts; bind() below still decides
            long quotaOverride = options.manager().memoryQuotaOverrideBytes();
            this.metrics = new Metrics(router.registry(), () -> managerRef.get().dynos(),
                    () -> managerRef.get().formation(),
                    d -> quotaOverride > 0 ? quotaOverride : d.size().memoryBytes(),
                    () -> managerRef.get().residentBytes());
            metricsRef.set(metrics);
            if (kubernetes == null) {
                RouterBridge bridge = new RouterBridge(router.registry(), options.manager().stopTimeout(), pipe::offer,
                        managerRef::get);
                bridgeRef.set(bridge);
                DynoManager local = new DynoManager(app, options.manager(), new TeeListener(bridge, metrics.dynos()));
                this.manager = startedManager = local;
                managerRef.set(manager);
                Formation initial = local.initialFormation();
                start = options.formation().isEmpty() ? initial
                        : ScaleChange.applyAll(initial, ScaleChange.parseAll(options.formation()));
                this.hints = hintsFor(start, options.formation().isEmpty() && !local.hasSavedFormation());
                Path envFile = options.envFile() != null ? options.envFile() : app.dir().resolve(".env");
                this.deployer = new Deployer(Releases.open(app.stateDir().resolve("releases.json"), app.env(), Clock.systemUTC()),
                        local, () -> EnvFile.readIfExists(envFile));
                local.prepare();
                try {
                    deployer.prepare(); // the release phase: before any dyno starts
                } catch (ReleaseFailedException e) {
                    throw new DaemonException(e.getMessage());
                }
                local.start(start);
                this.cluster = null;
            } else {
                // pods: the router learns web endpoints from EndpointSlices, not from dyno states
                PodBridge bridge = new PodBridge(router.registry(), options.manager().stopTimeout(), pipe::offer,
                        managerRef::get);
                bridgeRef.set(bridge);
                this.cluster = client = kubernetes.client().get();
                this.manager = startedManager = new KubernetesRuntime(client, app, kubernetes.settings(),
                        new TeeListener(bridge, metrics.dynos()), bridge);
                managerRef.set(manager);
                Formation initial = app.manifestFormation().orElseGet(app::defaultFormation);
                start = options.formation().isEmpty() ? initial
                        : ScaleChange.applyAll(initial, ScaleChange.parseAll(options.formation()));
                this.hints = hintsFor(start, options.formation().isEmpty());
                try {
                    manager.start(start);
                } catch (KubernetesException e) {
                    throw new DaemonException(e.getMessage());
                }
            }
            metrics.start();
            DynoRuntime m = manager;
            this.autoscaling = new Autoscaling(app.stateDir().resolve("autoscale.json"),
                    () -> m.formation().quantity("web"), q -> m.scale(List.of("web=" + q)),
                    line -> pipe.offer(new LogLine(Instant.now(), LogLine.DYNO, "autoscale", line)), Clock.systemUTC());
            metrics.onInterval(autoscaling::record);
            autoscaling.start();
            String token = DaemonInfo.newToken();
            try {
                MonitorResource monitors = new MonitorResource(app.name(), autoscaling);
                this.api = new ControlApi(app, manager, logs, token, this::requestStop, metrics, options.apiPort(),
                        options.metricsPublic(), router.port(), deployer, List.of(monitors), monitors::dashboardState);
            } catch (IOException e) {
                if (e.getCause() instanceof BindException bind) {
                    throw apiPortTaken(options.apiPort(), bind);
                }
                throw e;
            }
            new DaemonInfo(app.name(), ProcessHandle.current().pid(), api.port(), token, router.port()).write(app.dir());
        } catch (IOException | RuntimeException e) {
            // nothing of a failed start stays running: release phase, dynos, router, log threads, the lock
            if (autoscaling != null) {
                autoscaling.close();
            }
            if (deployer != null) {
                deployer.close();
            }
            if (startedManager != null) {
                startedManager.close();
            }
            if (client != null) {
                client.close();
            }
            if (startedRouter != null) {
                startedRouter.close();
            }
            if (metricsRef.get() != null) {
                metricsRef.get().close();
            }
            if (openedLog != null) {
                openedLog.close();
            }
            if (openedPipe != null) {
                openedPipe.close();
            }
            lock.close();
            throw e;
        }
        IdleWatcher watcher = new IdleWatcher(options.idleAfter() != null ? options.idleAfter()
                : start.entry("web").map(w -> w.size() == dyno.runtime.formation.DynoSize.ECO
                        ? Duration.ofMinutes(30) : Duration.ofHours(1)).orElse(Duration.ofHours(1)));
        this.idler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dyno-idler");
            t.setDaemon(true);
            return t;
        });
        idler.scheduleWithFixedDelay(this::idleIfDue, 250, 250, TimeUnit.MILLISECONDS);
        this.watcher = watcher;
    }

    /** Starts the app of {@code options}; fails when it is already running or its files are invalid. */
    public static Daemon start(DaemonOptions options, Consumer<LogLine> console) {
        return start(options, null, console);
    }

    /**
     * Starts the app of {@code options} with its dynos as pods in {@code kubernetes} (null: local
     * processes); fails in one line ({@link DaemonException}) when the cluster cannot be reached or
     * refuses, having started nothing.
     */
    public static Daemon start(DaemonOptions options, KubernetesTarget kubernetes, Consumer<LogLine> console) {
        try {
            return new Daemon(options, kubernetes, console);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Fails, in one line, when another socket already listens on the chosen control API port: so
     * that {@code --api-port} taken is found before any dyno starts (0, any free port, always fits).
     */
    private static void checkApiPortFree(int port) {
        if (port == 0) {
            return;
        }
        try (ServerSocket probe = new ServerSocket()) {
            probe.setReuseAddress(true); // as the API's own socket: a port in TIME_WAIT is free
            probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
        } catch (BindException e) {
            throw apiPortTaken(port, e);
        } catch (IOException e) {
            // not a verdict on the port: the API's own bind reports it
        }
    }

    private static DaemonException apiPortTaken(int port, BindException e) {
        String why = e.getMessage() != null && e.getMessage().contains("Address already in use")
                ? "the address is already in use" : String.valueOf(e.getMessage());
        return new DaemonException("control API: cannot listen on 127.0.0.1:" + port + ": " + why
                + " (choose another with --api-port, or 0 for any free port)");
    }

    /** A writer for {@code stdout} or a file, null for the app log or off; fails in one line. */
    private static AccessLogWriter openAccessLog(AccessLogSettings settings) {
        return switch (settings.destination()) {
            case STDOUT, FILE -> {
                try {
                    yield settings.openWriter();
                } catch (IllegalStateException e) {
                    throw new DaemonException(e.getMessage());
                }
            }
            default -> null;
        };
    }

    private void idleIfDue() {
        long now = System.currentTimeMillis();
        if (router.busy()) {
            lastBusyMillis = now; // a response still streaming, or a WebSocket open: not idle
        }
        if (!idling.isDone()) {
            return;
        }
        watcher.dueAt(now, Math.max(router.lastRequestAtMillis(), lastBusyMillis), manager.formation(),
                manager.dynos()).ifPresent(name -> idling = manager.idle(name));
    }

    private static List<String> hintsFor(Formation f, boolean firstStart) {
        if (!firstStart) {
            return List.of();
        }
        return f.entries().stream().filter(e -> e.quantity() == 0)
                .map(e -> e.type() + " is scaled to 0; start it with: dyno ps:scale " + e.type() + "=1").toList();
    }

    /** Hints for the user about the starting formation. */
    public List<String> hints() {
        return hints;
    }

    public App app() {
        return app;
    }

    public int routerPort() {
        return router.port();
    }

    /** The bound HTTPS port (the one chosen for {@code --tls-port 0}), or -1 without TLS. */
    public int tlsPort() {
        return router.tlsPort();
    }

    public int apiPort() {
        return api.port();
    }

    /** The local dyno manager; fails for a Kubernetes runtime (see {@link #runtime()}). */
    public DynoManager manager() {
        if (manager instanceof DynoManager local) {
            return local;
        }
        throw new IllegalStateException("dynos run on Kubernetes, not as local processes");
    }

    /** Where the dynos run. */
    public DynoRuntime runtime() {
        return manager;
    }

    /** Releases and config changes of the app. */
    public Deployer deployer() {
        return deployer;
    }

    /** Asks the foreground {@link #awaitStop()} to return. */
    public void requestStop() {
        stopped.countDown();
    }

    /** Blocks until {@link #requestStop()} is called (Ctrl-C, SIGTERM, {@code dyno down}). */
    public void awaitStop() throws InterruptedException {
        stopped.await();
    }

    /** Drains and stops every dyno, saves state, stops the router and the API. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        idler.shutdownNow();
        autoscaling.close(); // no scaling while the dynos stop
        if (deployer != null) {
            deployer.close();
        }
        manager.close();
        if (cluster != null) {
            try {
                cluster.close();
            } catch (Exception e) {
                logger.warn("cannot close the Kubernetes client", e);
            }
        }
        api.close();
        router.close();
        if (accessLog != null) {
            accessLog.close(); // after the router: its last lines are written
        }
        metrics.close();
        try {
            Files.deleteIfExists(DaemonInfo.file(app.dir()));
        } catch (IOException e) {
            logger.warn("cannot remove daemon.json", e);
        }
        pipe.close();
        try {
            lock.close();
        } catch (IOException e) {
            logger.warn("cannot release the lock", e);
        }
        stopped.countDown();
    }
}
