package dyno.router.cli;

import static java.util.Objects.requireNonNull;

import dyno.router.FileLimits;
import dyno.router.ListenException;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.log.AccessLogSettings;
import dyno.router.tls.DevCertificate;
import dyno.router.tls.TlsConfig;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dyno router}: the router alone, in front of processes started by hand.
 * <pre>{@code
 * dyno router --port 5006 --backend 127.0.0.1:5001 --backend 127.0.0.1:5002 --health-path /health \
 *     --health-interval 2s --health-fall 3 --health-rise 2 --health-status 200-399
 * }</pre>
 */
@Command(name = "router", mixinStandardHelpOptions = true,
        description = "Run the HTTP router alone in front of backends you started yourself.")
public final class RouterCommand implements Callable<Integer> {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h)");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,9})([km])?");
    /** Where {@code --tls-cert self-signed} keeps its certificate: under the working directory. */
    static final Path DEV_CERTIFICATES = Path.of(".dyno", "tls");

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "${env:PORT:-5006}",
            description = "Port to listen on (default: $PORT, else 5006).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--backend", paramLabel = "HOST:PORT[,weight=N]",
            description = "A backend, named web.1, web.2... in order. Repeatable. Its weight, 0..256 (default 1),"
                    + " is its share of requests relative to the others; 0 sends it none.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Event loop threads (default: cores).")
    Integer threads;

    @Option(names = "--balance", paramLabel = "STRATEGY", defaultValue = "round-robin",
            description = "round-robin, random, least-conn or p2c (default: ${DEFAULT-VALUE}).")
    String balance;

    @Option(names = "--affinity", paramLabel = "none|cookie", defaultValue = "none",
            description = "Session affinity: cookie sends a client's requests to the dyno that served its first,"
                    + " while it takes traffic (default: ${DEFAULT-VALUE}).")
    String affinity;

    @Mixin
    RouterLimitOptions limits = new RouterLimitOptions();

    @Mixin
    HealthOptions health = new HealthOptions();

    @Mixin
    TlsOptions tls = new TlsOptions();

    @Option(names = "--header-timeout", paramLabel = "DURATION", defaultValue = "10s",
            description = "Time for a request head to arrive; slower clients get 408 (default: ${DEFAULT-VALUE}).")
    String headerTimeout;

    @Option(names = "--max-head-size", paramLabel = "SIZE", defaultValue = "64k",
            description = "Largest request or response head, e.g. 64k or 1m; past it 431, or 502 H17 for a dyno's"
                    + " (default: ${DEFAULT-VALUE}).")
    String maxHeadSize;

    @Option(names = "--dyno-keepalive", paramLabel = "DURATION", defaultValue = "2s",
            description = "How long an unused dyno connection is kept for reuse; keep it below the app's own"
                    + " keep-alive timeout (default: ${DEFAULT-VALUE}).")
    String dynoKeepAlive;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "10000",
            description = "Client connections open at once; past it 503 (default: ${DEFAULT-VALUE}).")
    int maxConnections;

    @Option(names = "--max-connections-per-client", paramLabel = "N", defaultValue = "1000",
            description = "Client connections open at once from one address; past it 503 (default: ${DEFAULT-VALUE}).")
    int maxConnectionsPerClient;

    @Option(names = "--max-concurrent-streams", paramLabel = "N", defaultValue = "100",
            description = "HTTP/2 streams (requests) open at once per client connection; more are refused"
                    + " (default: ${DEFAULT-VALUE}).")
    String maxConcurrentStreams;

    @Option(names = "--access-log", paramLabel = "stdout|off|FILE", defaultValue = "stdout",
            description = "Where access lines go: stdout, off, or a file to append to (default: ${DEFAULT-VALUE}).")
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "heroku|json|clf", defaultValue = "heroku",
            description = "Access line format: heroku (logfmt), json or clf (default: ${DEFAULT-VALUE}).")
    String accessLogFormat;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read every setting and the backends from a JSON file (keys: the flags without their"
                    + " dashes); SIGHUP or the API reloads it without dropping a request. Not with other settings.")
    Path config;

    /** Where {@code --tls-cert self-signed} keeps its certificate (tests move it). */
    Path devCertificates = DEV_CERTIFICATES;
    private final RouterExtension extension;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    /** The router alone. */
    public RouterCommand() {
        this(RouterExtension.NONE);
    }

    /** The router with what the platform adds (its runtime API, metrics and dashboard). */
    public RouterCommand(RouterExtension extension) {
        this.extension = requireNonNull(extension, "extension");
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RouterSetup setup;
        try {
            if (config != null) {
                List<String> given = settingsGiven();
                if (!given.isEmpty()) {
                    throw new IllegalArgumentException("--config: cannot be combined with " + String.join(", ", given)
                            + " (expected: every setting in the file, or no --config)");
                }
                setup = RouterFile.read(config);
            } else {
                if (backends.isEmpty()) {
                    throw new IllegalArgumentException("Missing required option: '--backend=HOST:PORT[,weight=N]'"
                            + " (or --config FILE)");
                }
                List<BackendSpec> parsed = new ArrayList<>();
                for (String b : backends) {
                    parsed.add(BackendSpec.parse(null, b));
                }
                setup = setup(parsed);
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        RunningRouter running;
        AutoCloseable extra;
        Consumer<String> print = line -> {
            synchronized (out) {
                out.println(line);
                out.flush();
            }
        };
        try {
            running = RunningRouter.start(setup, config, extension.observer(), print);
        } catch (IllegalStateException e) {
            stopped.countDown();
            // port taken, log file not writable: one line, no stack trace
            TlsConfig tlsConfig = setup.config().tls();
            spec.commandLine().getErr().println("dyno router: " + (e instanceof ListenException listen
                    ? listen.messageWithHint(tlsConfig != null && listen.port() == tlsConfig.port()
                            && listen.port() != setup.config().port() ? "--tls-port" : "--port", "--host")
                    : e.getMessage()));
            return 1;
        }
        try {
            extra = extension.started(running);
        } catch (Exception e) {
            running.close();
            stopped.countDown();
            spec.commandLine().getErr().println("dyno router: " + e.getMessage());
            return 1;
        }
        Thread hook = new Thread(this::stop, "dyno-router-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        ReloadSignal reloads = config == null ? null : ReloadSignal.install(running);
        try (running) {
            StringBuilder names = new StringBuilder();
            for (var b : running.router().registry().status()) {
                names.append(names.length() == 0 ? "" : ", ").append(b.name()).append('=')
                        .append(new BackendOption(b.address(), b.weight()));
            }
            Router router = running.router();
            String https = router.tlsPort() < 0 ? "" : " and https://" + setup.config().host() + ":" + router.tlsPort()
                    + " (TLS: " + router.tlsEngine() + ")";
            print.accept("dyno router listening on http://" + setup.config().host() + ":" + router.port() + https
                    + " -> " + (names.length() == 0 ? "(no backends yet)" : names));
            TlsConfig tlsConfig = setup.config().tls();
            if (tlsConfig != null && tlsConfig.certificateChain().startsWith(devCertificates)) {
                print.accept("dyno router: TLS with a development certificate for localhost, 127.0.0.1 and ::1: "
                        + tlsConfig.certificateChain() + ". " + DevCertificate.howToTrust(tlsConfig.certificateChain()));
            }
            stop.await();
            print.accept("dyno router stopping");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (reloads != null) {
                reloads.close();
            }
            try {
                extra.close();
            } catch (Exception e) {
                spec.commandLine().getErr().println("dyno router: " + e.getMessage());
            }
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook is running us
            }
        }
        return 0;
    }

    /**
     * The setup the parsed flags describe, with {@code backendList} as its backends.
     *
     * @throws IllegalArgumentException naming the flag, the value and what it takes
     */
    RouterSetup setup(List<BackendSpec> backendList) {
        AccessLogSettings logSettings = AccessLogSettings.parse(accessLog, accessLogFormat);
        RouterConfig.Builder builder = RouterConfig.builder()
                .host(host)
                .port(port)
                .headerTimeout(parseDuration("--header-timeout", headerTimeout))
                .maxConnections(FileLimits.checkMaxConnections(atLeastOne("--max-connections", maxConnections),
                        spec.commandLine().getParseResult().hasMatchedOption("--max-connections"),
                        FileLimits.openFileLimit(), "--max-connections"))
                .maxHeadBytes(parseSize("--max-head-size", maxHeadSize))
                .dynoKeepAlive(parseDuration("--dyno-keepalive", dynoKeepAlive))
                .maxConnectionsPerClient(atLeastOne("--max-connections-per-client", maxConnectionsPerClient))
                .maxConcurrentStreams(RouterLimitOptions.parseWholeNumber("--max-concurrent-streams",
                        maxConcurrentStreams, RouterConfig.MAX_CONCURRENT_STREAMS))
                .balance(parseBalance(balance))
                .affinity(parseAffinity(affinity));
        if (threads != null) {
            builder.threads(threads);
        }
        tls.applyTo(builder, devCertificates, port);
        return new RouterSetup(health.applyTo(limits.applyTo(builder)).build(), backendList, logSettings);
    }

    /** Router settings given as flags (the file holds them when --config is given). */
    private List<String> settingsGiven() {
        List<String> given = new ArrayList<>();
        var settings = RouterFile.settings(new CommandLine(new RouterCommand()));
        for (var o : spec.commandLine().getParseResult().matchedOptions()) {
            String name = o.longestName();
            if (name.equals("--backend") || settings.contains(name.substring(2))) {
                given.add(name);
            }
        }
        return given;
    }

    /** Runs {@code dyno router} on its own: {@code java -cp ... dyno.router.cli.RouterCommand --backend ...}. */
    public static void main(String[] args) {
        CommandLine cli = RouterHelp.install(new CommandLine(new RouterCommand()).setCommandName("dyno router"));
        cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
        System.exit(cli.execute(args));
    }

    /** Asks a running {@link #call()} to close the router and return; waits up to 15 s for it. */
    void stop() {
        stop.countDown();
        try {
            stopped.await(15, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The address of a {@code --backend} value ({@code HOST:PORT[,weight=N]}). */
    static InetSocketAddress parseBackend(String value) {
        return BackendOption.parse(value).address();
    }

    private static int atLeastOne(String option, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(option + ": " + value + " (expected: >= 1)");
        }
        return value;
    }

    /** Parses {@code --affinity}; the error names the flag. */
    public static dyno.router.Affinity parseAffinity(String value) {
        try {
            return dyno.router.Affinity.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    static dyno.router.Balance parseBalance(String value) {
        try {
            return dyno.router.Balance.parse(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    /** Parses a byte count such as {@code 65536}, {@code 64k} or {@code 1m}; the error names {@code option}. */
    public static int parseSize(String option, String value) {
        Matcher m = SIZE.matcher(value == null ? "" : value.trim().toLowerCase(java.util.Locale.ROOT));
        long n = m.matches() ? Long.parseLong(m.group(1)) : -1;
        if (n >= 0 && m.group(2) != null) {
            n *= m.group(2).equals("k") ? 1024 : 1024 * 1024;
        }
        if (n < RouterConfig.MIN_HEAD_BYTES || n > RouterConfig.MAX_HEAD_BYTES) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: a size from 16k to 16m, e.g. 64k)");
        }
        return (int) n;
    }

    /** Parses {@code 500ms}, {@code 5s}, {@code 2m} or {@code 1h}; the error names {@code option}. */
    public static Duration parseDuration(String option, String value) {
        Matcher m = DURATION.matcher(value == null ? "" : value.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: a duration such as 500ms, 5s, 2m)");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            default -> Duration.ofHours(n);
        };
        if (d.isZero()) {
            throw new IllegalArgumentException(option + ": '" + value + "' (expected: more than 0)");
        }
        return d;
    }
}
