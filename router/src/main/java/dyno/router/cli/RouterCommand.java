package dyno.router.cli;

import dyno.router.AccessLogSink;
import dyno.router.FileLimits;
import dyno.router.ListenException;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import dyno.router.health.HealthTransition;
import dyno.router.log.AccessLogSettings;
import dyno.router.log.AccessLogWriter;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
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

    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "P", defaultValue = "${env:PORT:-5006}",
            description = "Port to listen on (default: $PORT, else 5006).")
    int port;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1",
            description = "Address to listen on (default: ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--backend", paramLabel = "HOST:PORT[,weight=N]", required = true,
            description = "A backend, named web.1, web.2... in order. Repeatable. Its weight, 0..256 (default 1),"
                    + " is its share of requests relative to the others; 0 sends it none.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--threads", paramLabel = "N", description = "Event loop threads (default: cores).")
    Integer threads;

    @Option(names = "--balance", paramLabel = "STRATEGY", defaultValue = "round-robin",
            description = "round-robin, random, least-conn or p2c (default: ${DEFAULT-VALUE}).")
    String balance;

    @Mixin
    RouterLimitOptions limits = new RouterLimitOptions();

    @Mixin
    HealthOptions health = new HealthOptions();

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

    @Option(names = "--access-log", paramLabel = "stdout|off|FILE", defaultValue = "stdout",
            description = "Where access lines go: stdout, off, or a file to append to (default: ${DEFAULT-VALUE}).")
    String accessLog;

    @Option(names = "--access-log-format", paramLabel = "heroku|json|clf", defaultValue = "heroku",
            description = "Access line format: heroku (logfmt), json or clf (default: ${DEFAULT-VALUE}).")
    String accessLogFormat;

    private final CountDownLatch stop = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        RouterConfig config;
        AccessLogSettings logSettings;
        List<BackendOption> parsed = new ArrayList<>();
        try {
            logSettings = AccessLogSettings.parse(accessLog, accessLogFormat);
            for (String b : backends) {
                parsed.add(BackendOption.parse(b));
            }
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
                    .balance(parseBalance(balance));
            if (threads != null) {
                builder.threads(threads);
            }
            config = health.applyTo(limits.applyTo(builder)).build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        AccessLogWriter writer = null;
        Router started;
        // health transitions are printed off the event loops, like access lines
        ExecutorService events = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "dyno-router-events");
            t.setDaemon(true);
            return t;
        });
        try {
            writer = logSettings.destination() == AccessLogSettings.Destination.OFF ? null : logSettings.openWriter();
            started = Router.start(config.toBuilder().accessLog(writer == null ? AccessLogSink.OFF : writer).build(),
                    new RouterListener() {
                        @Override
                        public void healthChanged(HealthTransition t) {
                            events.execute(() -> {
                                out.println(t.logfmt());
                                out.flush();
                            });
                        }
                    });
        } catch (IllegalStateException e) {
            events.shutdownNow();
            if (writer != null) {
                writer.close();
            }
            stopped.countDown();
            // port taken, log file not writable: one line, no stack trace
            spec.commandLine().getErr().println("dyno router: " + (e instanceof ListenException listen
                    ? listen.messageWithHint("--port", "--host") : e.getMessage()));
            return 1;
        }
        Thread hook = new Thread(this::stop, "dyno-router-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Router router = started) {
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < parsed.size(); i++) {
                String name = "web." + (i + 1);
                BackendOption b = parsed.get(i);
                router.registry().add(name, b.address(), b.weight());
                names.append(i == 0 ? "" : ", ").append(name).append('=').append(b);
            }
            out.println("dyno router listening on http://" + config.host() + ":" + router.port() + " -> " + names);
            out.flush();
            stop.await();
            out.println("dyno router stopping");
            out.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            events.shutdown();
            if (writer != null) {
                writer.close();
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

    /** Runs {@code dyno router} on its own: {@code java -cp ... dyno.router.cli.RouterCommand --backend ...}. */
    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new RouterCommand()).setCommandName("dyno router");
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
