package dyno.platform.cli;

import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.platform.daemon.KubernetesTarget;
import dyno.router.Balance;
import dyno.router.FileLimits;
import dyno.router.RouterConfig;
import dyno.router.cli.RouterCommand;
import dyno.router.cli.HealthOptions;
import dyno.router.cli.RouterLimitOptions;
import dyno.router.cli.TlsOptions;
import dyno.router.tls.DevCertificate;
import dyno.router.tls.TlsConfig;
import dyno.router.log.AccessLogSettings;
import dyno.runtime.manager.ManagerSettings;
import dyno.runtime.process.SystemdUserScope;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

/** {@code dyno up}: the router and the formation in the foreground until Ctrl-C, SIGTERM or {@code dyno down}. */
@Command(name = "up", description = "Start the app's router and dynos in the foreground.")
final class UpCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", paramLabel = "DIR", description = "App directory with a Procfile (default: .).")
    Path dir = Path.of(".");

    @Option(names = {"-f", "--procfile"}, paramLabel = "FILE",
            description = "Procfile to read instead of DIR/Procfile; relative to the current directory. State and"
                    + " .env stay in DIR.")
    Path procfile;

    @Option(names = "--app", description = "App name (default: the directory's name).")
    String app;

    @Option(names = "--port", description = "Router port (default: $PORT, else 5006).")
    Integer port;

    @Option(names = "--host", description = "Router address (default: 127.0.0.1).")
    String host = "127.0.0.1";

    @Option(names = "--formation", split = ",", paramLabel = "TYPE=N[:SIZE]",
            description = "Formation to start with, e.g. web=2,worker=1.")
    List<String> formation = List.of();

    @Option(names = "--env", paramLabel = "FILE", description = "Environment file (default: DIR/.env).")
    Path env;

    @Option(names = "--idle-after", converter = DurationConverter.class,
            description = "Sleep a lone 1X web dyno after this long without a request (default: 1h; eco 30m).")
    Duration idleAfter;

    @Option(names = "--boot-timeout", converter = DurationConverter.class, defaultValue = "60s",
            description = "Time a web dyno has to bind $PORT (default: ${DEFAULT-VALUE}).")
    Duration bootTimeout;

    @Option(names = "--stop-timeout", converter = DurationConverter.class, defaultValue = "30s",
            description = "Time between SIGTERM and SIGKILL (default: ${DEFAULT-VALUE}).")
    Duration stopTimeout;

    @Option(names = "--threads", description = "Router event-loop threads (default: cores).")
    Integer threads;

    @Option(names = "--balance", defaultValue = "round-robin",
            description = "How the router picks a dyno: round-robin, random, least-conn or p2c (default: ${DEFAULT-VALUE}).")
    String balance;

    @Option(names = "--cpu-per-1x", paramLabel = "CORES", defaultValue = "0.25",
            description = "CPU a 1X share stands for where sizes are enforced by cgroups, in cores: Standard-2X gets"
                    + " twice it, Performance sizes their own cores; 0 for no CPU limit (default: ${DEFAULT-VALUE}).")
    double cpuPer1x;

    @Option(names = "--no-systemd-scope",
            description = "Not root: do not move into a systemd user scope (Delegate=yes) to have sizes enforced by"
                    + " cgroups; also DYNO_SYSTEMD_SCOPE=0.")
    boolean noSystemdScope;

    @Option(names = "--memory-quota", hidden = true, description = "Override every size's memory quota, in MB (tests).")
    long memoryQuotaMb;

    @Option(names = "--header-timeout", converter = DurationConverter.class, defaultValue = "10s",
            description = "Time a client has to send a request head; slower ones get 408 (default: ${DEFAULT-VALUE}).")
    Duration headerTimeout;

    @Option(names = "--max-connections", defaultValue = "10000",
            description = "Client connections open at once; past it 503 (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-head-size", paramLabel = "SIZE", defaultValue = "64k",
            description = "Largest request or response head, e.g. 64k; past it 431, or 502 H17 for a dyno's"
                    + " (default: ${DEFAULT-VALUE}).")
    String maxHeadSize;

    @Option(names = "--dyno-keepalive", converter = DurationConverter.class, defaultValue = "2s",
            description = "How long an unused dyno connection is kept for reuse; keep it below the app's own"
                    + " keep-alive timeout (default: ${DEFAULT-VALUE}).")
    Duration dynoKeepAlive;

    @Option(names = "--max-connections-per-client", defaultValue = "1000",
            description = "Client connections open at once from one address; past it 503 (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(names = "--api-port", defaultValue = "0",
            description = "Control API port on 127.0.0.1, e.g. for a Prometheus scrape config (default: any free port).")
    int apiPort;

    @Option(names = "--metrics-public", description = "Serve GET /metrics on the control API without the token.")
    boolean metricsPublic;

    @Option(names = "--access-log", paramLabel = "stdout|off|FILE",
            description = "Where the router's access lines go: stdout, off, or a file to append to"
                    + " (default: the app log, as dyno[router] lines).")
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "heroku|json|clf", defaultValue = "heroku",
            description = "Access line format: heroku (logfmt), json or clf (default: ${DEFAULT-VALUE}).")
    String accessLogFormat;

    @Option(names = "--runtime", paramLabel = "local|kubernetes", defaultValue = "local",
            description = "Where dynos run: local processes, or pods of Deployments in the current kubeconfig"
                    + " context's cluster (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--image", paramLabel = "IMAGE",
            description = "With --runtime kubernetes: the container image the Procfile commands run in.")
    String image;

    @Option(names = "--namespace", paramLabel = "NS",
            description = "With --runtime kubernetes: the namespace (default: the kubeconfig context's, else default).")
    String namespace;

    @Option(names = "--no-color", description = "Plain log prefixes.")
    boolean noColor;

    @Option(names = "--affinity", paramLabel = "none|cookie", defaultValue = "none",
            description = "Session affinity: cookie sends a client's requests to the dyno that served its first,"
                    + " while it is up (default: ${DEFAULT-VALUE}).")
    String affinity;

    @Mixin
    RouterLimitOptions limits = new RouterLimitOptions();

    @Mixin
    HealthOptions health = new HealthOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Override
    public Integer call() throws Exception {
        int routerPort = port != null ? port : envPort();
        AccessLogSettings accessLogSettings;
        KubernetesTarget kubernetes;
        RouterConfig.Builder router = RouterConfig.builder().host(host).port(routerPort).balance(Balance.parse(balance))
                .headerTimeout(headerTimeout).maxConnectionsPerClient(maxConnectionsPerClient)
                .dynoKeepAlive(dynoKeepAlive);
        try {
            router.maxConnections(FileLimits.checkMaxConnections(maxConnections,
                    spec.commandLine().getParseResult().hasMatchedOption("--max-connections"),
                    FileLimits.openFileLimit(), "--max-connections"));
            router.maxHeadBytes(RouterCommand.parseSize("--max-head-size", maxHeadSize));
            limits.applyTo(router);
            health.applyTo(router);
            tls.applyTo(router, dir.resolve(".dyno").resolve("tls"), routerPort);
            router.affinity(RouterCommand.parseAffinity(affinity));
            accessLogSettings = AccessLogSettings.parse(accessLog, accessLogFormat);
            kubernetes = kubernetesTarget();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        if (threads != null) {
            router.threads(threads);
        }
        if (!(cpuPer1x >= 0 && cpuPer1x <= 1024)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--cpu-per-1x: " + cpuPer1x + " (expected: 0..1024 cores, 0 for no CPU limit)");
        }
        ManagerSettings settings = ManagerSettings.defaults().withBootTimeout(bootTimeout).withStopTimeout(stopTimeout)
                .withCpuPer1x(cpuPer1x);
        if (memoryQuotaMb > 0) {
            settings = settings.withMemory(Duration.ofSeconds(1), memoryQuotaMb * 1024 * 1024);
        }
        RouterConfig routerConfig = router.build();
        DaemonOptions options = new DaemonOptions(dir, app, env, formation, idleAfter, routerConfig, settings,
                apiPort, metricsPublic, accessLogSettings).withProcfile(procfile);
        if (kubernetes == null && systemdScopeWanted(noSystemdScope, System.getenv("DYNO_SYSTEMD_SCOPE"))) {
            // before the manager looks for its cgroups; where it is not needed or not possible, nothing changes
            SystemdUserScope.enterIfUseful(dir.toAbsolutePath().normalize().toString());
        }
        ConsolePrinter console = new ConsolePrinter(spec.commandLine().getOut(), !noColor && System.console() != null);
        Daemon daemon = Daemon.start(options, kubernetes, console);
        Signal.handle(new Signal("INT"), s -> daemon.requestStop());
        Signal.handle(new Signal("TERM"), s -> daemon.requestStop());
        var out = spec.commandLine().getOut();
        out.println("Dyno: " + daemon.app().name() + " on http://" + host + ":" + daemon.routerPort()
                + "  (control API 127.0.0.1:" + daemon.apiPort() + ", Ctrl-C or `dyno down` to stop)");
        if (kubernetes != null) {
            out.println("Runtime: kubernetes, image " + kubernetes.settings().image() + " in namespace "
                    + kubernetes.settings().namespace() + " (dynos are pods; see docs/kubernetes.md)");
        }
        TlsConfig tlsConfig = routerConfig.tls();
        if (tlsConfig != null) {
            out.println("HTTPS: https://" + host + ":" + daemon.tlsPort() + "  (certificate " + tlsConfig.certificateChain() + ")");
            if (tlsConfig.certificateChain().getFileName().toString().equals("localhost-cert.pem")) {
                out.println("Hint: a development certificate for localhost, 127.0.0.1 and ::1. "
                        + DevCertificate.howToTrust(tlsConfig.certificateChain()));
            }
        }
        daemon.hints().forEach(h -> out.println("Hint: " + h));
        out.println("Dashboard: dyno dashboard --dir " + dir + "   Metrics: http://127.0.0.1:" + daemon.apiPort() + "/metrics"
                + (metricsPublic ? "" : " (with the token; --metrics-public to scrape without)"));
        out.flush();
        daemon.awaitStop();
        out.println("Stopping " + daemon.app().name() + "...");
        out.flush();
        daemon.close();
        out.println("Stopped.");
        out.flush();
        return 0;
    }

    /** The cluster for {@code --runtime kubernetes}, null for local; fails naming the flag. */
    private KubernetesTarget kubernetesTarget() {
        switch (runtime) {
            case "local" -> {
                if (image != null || namespace != null) {
                    throw new IllegalArgumentException((image != null ? "--image" : "--namespace")
                            + ": only with --runtime kubernetes");
                }
                return null;
            }
            case "kubernetes" -> {
                return KubernetesTarget.kubeconfig(image, namespace);
            }
            default -> throw new IllegalArgumentException("--runtime: \"" + runtime + "\" (expected: local or kubernetes)");
        }
    }

    /** Whether {@code up} may move into a systemd user scope: not {@code --no-systemd-scope}, not {@code DYNO_SYSTEMD_SCOPE=0}. */
    static boolean systemdScopeWanted(boolean noSystemdScope, String env) {
        return !noSystemdScope
                && (env == null || !List.of("0", "no", "false", "off").contains(env.trim().toLowerCase(Locale.ROOT)));
    }

    private static int envPort() {
        String p = System.getenv("PORT");
        if (p == null || p.isBlank()) {
            return 5006;
        }
        try {
            return Integer.parseInt(p.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("PORT: \"" + p + "\" (expected: a port number)");
        }
    }
}
