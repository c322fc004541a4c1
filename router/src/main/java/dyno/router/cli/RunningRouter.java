package dyno.router.cli;

import static java.util.Objects.requireNonNull;

import dyno.router.AccessLogSink;
import dyno.router.BackendStatus;
import dyno.router.DynoRegistry;
import dyno.router.RequestObserver;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import dyno.router.health.HealthTransition;
import dyno.router.log.AccessLogSettings;
import dyno.router.log.AccessLogWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * A started {@code dyno router}: the router, its access log writer, its backends as configured, and
 * hitless reloads of its config file. Events (health transitions, reloads, admin changes) are printed
 * as logfmt lines off the event loops and passed to subscribers.
 */
public final class RunningRouter implements AutoCloseable {
    /** How long a removed or moved backend's requests in flight may take to finish. */
    public static final Duration DRAIN_DEADLINE = Duration.ofSeconds(60);

    private final Path configFile;
    private final RequestObserver observer;
    private final Consumer<String> print;
    private final List<Consumer<String>> subscribers = new CopyOnWriteArrayList<>();
    private final ExecutorService events = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "dyno-router-events");
        t.setDaemon(true);
        return t;
    });
    private Router router;
    private AccessLogWriter writer;
    private RouterSetup setup;

    private RunningRouter(Path configFile, RequestObserver observer, Consumer<String> print) {
        this.configFile = configFile;
        this.observer = observer;
        this.print = print;
    }

    /**
     * Opens the access log, binds the router and registers the backends.
     *
     * @param configFile the file reloads read, or null when the setup came from flags
     * @param print      where event lines go (the command's output)
     * @throws IllegalStateException a one-line reason (port taken: a {@link dyno.router.ListenException})
     */
    public static RunningRouter start(RouterSetup setup, Path configFile, RequestObserver observer,
                                      Consumer<String> print) {
        RunningRouter running = new RunningRouter(configFile, requireNonNull(observer, "observer"), print);
        running.writer = open(setup.log());
        try {
            running.router = Router.start(running.withSinks(setup.config(), running.writer), new RouterListener() {
                @Override
                public void healthChanged(HealthTransition t) {
                    running.event(t.logfmt());
                }
            });
        } catch (RuntimeException e) {
            running.events.shutdownNow();
            if (running.writer != null) {
                running.writer.close();
            }
            throw e;
        }
        running.setup = setup;
        running.syncBackends(setup.backends());
        return running;
    }

    /** The router. */
    public Router router() {
        return router;
    }

    /** The config file reloads read; null when started from flags. */
    public Path configFile() {
        return configFile;
    }

    /** The setup last applied. */
    public synchronized RouterSetup setup() {
        return setup;
    }

    /** Prints {@code line} and passes it to the subscribers, off the caller's thread, in order. */
    public void event(String line) {
        events.execute(() -> {
            print.accept(line);
            subscribers.forEach(s -> s.accept(line));
        });
    }

    /** Also passes every later event line to {@code subscriber}. */
    public void subscribe(Consumer<String> subscriber) {
        subscribers.add(subscriber);
    }

    /**
     * Reads the config file again and applies it without dropping a connection or a request.
     *
     * @throws IllegalArgumentException when there is no file, or it is bad: nothing was changed
     * @throws IllegalStateException    when it cannot be applied (new port taken, log not writable): nothing was changed
     */
    public Reload reload() {
        if (configFile == null) {
            throw new IllegalArgumentException("no config file to reload: start dyno router with --config FILE");
        }
        Reload r;
        try {
            r = apply(RouterFile.read(configFile));
        } catch (RuntimeException e) {
            event("at=error desc=\"Reload failed\" file=\"" + configFile + "\" reason=\""
                    + String.valueOf(e.getMessage()).replace("\"", "'") + "\"");
            throw e;
        }
        event(r.logfmt(configFile));
        return r;
    }

    /**
     * Applies {@code next}: settings to new requests, the listener handed over, backends added, moved,
     * re-weighted and removed (drained first) by name. Unnamed backends keep the name of a backend
     * already at their address.
     */
    public synchronized Reload apply(RouterSetup next) {
        int portBefore = router.port();
        AccessLogWriter nextWriter = next.log().equals(setup.log()) ? writer : open(next.log());
        List<String> changed;
        List<String> restart;
        try {
            var result = router.reconfigure(withSinks(next.config(), nextWriter));
            changed = result.applied().stream().map(RunningRouter::flagName).toList();
            restart = result.needRestart().stream().map(RunningRouter::flagName).toList();
        } catch (RuntimeException e) {
            if (nextWriter != writer && nextWriter != null) {
                nextWriter.close();
            }
            throw e;
        }
        if (nextWriter != writer) {
            if (writer != null) {
                writer.close(); // the router took the new sink: no line goes to the old one any more
            }
            writer = nextWriter;
        }
        BackendDiff diff = syncBackends(next.backends());
        String listen = router.port() == portBefore && next.config().host().equals(setup.config().host()) ? null
                : next.config().host() + ":" + router.port();
        setup = next;
        return new Reload(changed, restart, diff.added(), diff.changed(), diff.removed(), listen);
    }

    private BackendDiff syncBackends(List<BackendSpec> wanted) {
        DynoRegistry registry = router.registry();
        List<BackendStatus> current = registry.status();
        BackendDiff diff = BackendDiff.of(current, wanted);
        for (BackendSpec b : diff.toAdd()) {
            registry.add(b.name(), b.address(), b.weight());
        }
        for (BackendSpec b : diff.toMove()) {
            registry.replace(b.name(), b.address(), DRAIN_DEADLINE);
            registry.weight(b.name(), b.weight());
        }
        for (BackendSpec b : diff.toReweight()) {
            registry.weight(b.name(), b.weight());
        }
        for (String name : diff.removed()) {
            registry.remove(name, DRAIN_DEADLINE);
        }
        return diff;
    }

    /** The flag (and file key) of a {@link RouterConfig} component: {@code firstByteTimeout} is {@code request-timeout}. */
    static String flagName(String component) {
        return switch (component) {
            case "firstByteTimeout" -> "request-timeout";
            case "fall" -> "health-fall";
            case "rise" -> "health-rise";
            case "maxHeadBytes" -> "max-head-size";
            case "dynoKeepAlive" -> "dyno-keepalive";
            case "maxInFlightPerDyno" -> "max-inflight-per-dyno";
            default -> component.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase(java.util.Locale.ROOT);
        };
    }

    private RouterConfig withSinks(RouterConfig config, AccessLogWriter w) {
        return config.toBuilder().accessLog(w == null ? AccessLogSink.OFF : w).observer(observer).build();
    }

    private static AccessLogWriter open(AccessLogSettings log) {
        return log.destination() == AccessLogSettings.Destination.OFF ? null : log.openWriter();
    }

    @Override
    public synchronized void close() {
        router.close();
        events.shutdown();
        if (writer != null) {
            writer.close();
        }
    }

    /**
     * What a reload changed: setting names, those that need a restart, backend names, and the new
     * listening address when it moved (else null).
     */
    public record Reload(List<String> settings, List<String> needRestart, List<String> added, List<String> changed,
                         List<String> removed, String listen) {
        /** One logfmt event line, e.g. {@code at=info desc="Reloaded" file=router.json settings="balance" added="web.3"}. */
        String logfmt(Path file) {
            return "at=info desc=\"Reloaded\" file=\"" + file + "\" settings=\"" + String.join(",", settings)
                    + "\" added=\"" + String.join(",", added) + "\" changed=\"" + String.join(",", changed)
                    + "\" removed=\"" + String.join(",", removed) + "\""
                    + (needRestart.isEmpty() ? "" : " needs_restart=\"" + String.join(",", needRestart) + "\"")
                    + (listen == null ? "" : " listen=" + listen);
        }
    }
}
