package dyno.platform.autoscale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Web dyno autoscaling of one app: its policy (kept in {@code .dyno/autoscale.json}, so a restart of
 * Dyno keeps it), the response times it watches (fed each second by the metrics), and a thread that
 * evaluates the {@link Autoscaler} a few times per cooldown, scales the formation and logs each
 * decision as a {@code dyno[autoscale]} line.
 */
public final class Autoscaling implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Autoscaling.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS_KEPT = 50;

    private final Path file;
    private final IntSupplier webQuantity;
    private final IntFunction<CompletableFuture<?>> scaleTo;
    private final Consumer<String> log;
    private final Clock clock;
    private final Autoscaler autoscaler = new Autoscaler();
    private final Deque<Event> events = new ArrayDeque<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dyno-autoscale");
        t.setDaemon(true);
        return t;
    });
    private volatile AutoscalePolicy policy;
    private volatile LatencyWindow window = new LatencyWindow(AutoscalePolicy.DEFAULT_WINDOW.toMillis());
    /** When {@link #tick} evaluates next; 0: at once. Read and written on the autoscale thread, reset by set(). */
    private volatile long nextEvaluation;

    /** One scaling event, for the API and the dashboard. */
    public record Event(Instant at, int from, int to, String reason) {
    }

    /**
     * @param file        where the policy is kept ({@code .dyno/autoscale.json}); read now if present
     * @param webQuantity the web quantity of the formation now
     * @param scaleTo     sets the web quantity
     * @param log         receives each decision's log line
     */
    public Autoscaling(Path file, IntSupplier webQuantity, IntFunction<CompletableFuture<?>> scaleTo,
                       Consumer<String> log, Clock clock) {
        this.file = file;
        this.webQuantity = webQuantity;
        this.scaleTo = scaleTo;
        this.log = log;
        this.clock = clock;
        this.policy = read(file);
        if (policy != null) {
            window = new LatencyWindow(policy.window().toMillis());
        }
        autoscaler.watchFrom(clock.instant()); // nothing collected before the daemon started
    }

    /** Evaluates every 250 ms; each policy is evaluated a few times per cooldown. */
    public void start() {
        thread.scheduleWithFixedDelay(this::tick, 250, 250, TimeUnit.MILLISECONDS);
    }

    /** The policy, enabled or not; empty when autoscaling was never set up. */
    public Optional<AutoscalePolicy> policy() {
        return Optional.ofNullable(policy);
    }

    /**
     * Sets and saves the policy; an active one brings the quantity into its range at once, as Heroku
     * does on confirm.
     *
     * @throws UncheckedIOException when the policy cannot be saved (nothing changed then)
     */
    public synchronized AutoscalePolicy set(AutoscalePolicy next) {
        write(file, next);
        AutoscalePolicy before = policy;
        if (before == null || !before.window().equals(next.window())) {
            window = new LatencyWindow(next.window().toMillis());
            autoscaler.watchFrom(clock.instant());
        } else if (!before.active() && next.active()) {
            autoscaler.watchFrom(clock.instant()); // the window may hold what came before: judge only from now
        }
        policy = next;
        nextEvaluation = 0;
        log.accept("at=info type=web " + (next.active() ? "enabled" : "disabled") + " min=" + next.min() + " max="
                + next.max() + " p95=" + AutoscalePolicy.human(next.p95()) + " window="
                + AutoscalePolicy.human(next.window()) + " cooldown=" + AutoscalePolicy.human(next.cooldown()));
        if (next.active()) {
            thread.execute(this::tick);
        }
        return next;
    }

    /** The last scaling events, oldest first. */
    public List<Event> events() {
        synchronized (events) {
            return List.copyOf(events);
        }
    }

    /** Adds a second's service times (microseconds), as {@code Metrics.onInterval} passes them. */
    public void record(Histogram micros, long epochMillis) {
        window.record(epochMillis, micros);
    }

    /** Evaluates once if due; runs on the autoscale thread only (waiting there for a scale to finish). */
    void tick() {
        AutoscalePolicy p = policy;
        long now = clock.millis();
        if (p == null || !p.active() || now < nextEvaluation) {
            return;
        }
        nextEvaluation = now + Math.max(250, Math.min(5000, p.cooldown().toMillis() / 4));
        try {
            LatencyWindow w = window;
            AutoscaleDecision d = autoscaler.decide(p, webQuantity.getAsInt(), clock.instant(),
                    from -> w.since(from.toEpochMilli()));
            if (d.notable()) {
                log.accept(d.logfmt());
            }
            if (d.scales()) {
                synchronized (events) {
                    events.addLast(new Event(clock.instant(), d.from(), d.to(), d.reason()));
                    while (events.size() > EVENTS_KEPT) {
                        events.removeFirst();
                    }
                }
                scaleTo.apply(d.to()).get(2, TimeUnit.MINUTES);
            }
        } catch (Exception e) {
            logger.warn("autoscaling web failed", e);
            log.accept("at=error type=web reason=\"" + String.valueOf(e.getMessage()).replace("\"", "'") + "\"");
        }
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }

    private static AutoscalePolicy read(Path file) {
        if (!Files.exists(file)) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(file.toFile());
            return new AutoscalePolicy(n.path("active").asBoolean(), n.path("min").asInt(), n.path("max").asInt(),
                    Duration.ofMillis(n.path("p95_ms").asLong()), Duration.ofMillis(n.path("window_ms").asLong()),
                    Duration.ofMillis(n.path("cooldown_ms").asLong()));
        } catch (IOException | IllegalArgumentException e) {
            logger.warn("ignoring {}: {}", file, e.getMessage());
            return null;
        }
    }

    private static void write(Path file, AutoscalePolicy p) {
        ObjectNode n = JSON.createObjectNode().put("active", p.active()).put("min", p.min()).put("max", p.max())
                .put("p95_ms", p.p95().toMillis()).put("window_ms", p.window().toMillis())
                .put("cooldown_ms", p.cooldown().toMillis());
        try {
            Files.createDirectories(file.getParent());
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(n),
                    PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save " + file + ": " + e.getMessage(), e);
        }
    }
}
