package dyno.platform.metrics;

import dyno.router.DynoRegistry;
import dyno.runtime.formation.Formation;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.ObjLongConsumer;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.HdrHistogram.Histogram;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One app's metrics in a Prometheus registry: the router's per-request meters, the manager's
 * events, and gauges (dynos per type and state, memory against quota, in-flight, held and queued
 * requests) refreshed from snapshots before each scrape; and every second, for the dashboard, a
 * {@link TrafficHistory} point of the app's and each routed dyno's traffic.
 */
public final class Metrics implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Metrics.class);
    /** Five minutes of one-second samples. */
    static final int HISTORY_POINTS = 300;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final RouterMetrics router = new RouterMetrics(registry);
    private final DynoMetrics dynos = new DynoMetrics(registry);
    private final TrafficHistory history = new TrafficHistory(HISTORY_POINTS);
    private final DynoRegistry routes;
    private final Supplier<List<DynoInfo>> snapshot;
    private final Supplier<Formation> formation;
    private final ToLongFunction<DynoInfo> quota;
    private final Supplier<Map<String, Long>> residentBytes;
    private final MultiGauge states;
    private final MultiGauge resident;
    private final MultiGauge quotas;
    private final MultiGauge inFlight;
    private final ScheduledExecutorService sampler;
    private volatile List<DynoUsage> usage = List.of();
    private final List<ObjLongConsumer<Histogram>> intervalListeners =
            new CopyOnWriteArrayList<>();

    /**
     * @param routes    the router's registry, for in-flight and held requests
     * @param snapshot  the manager's current dynos
     * @param formation the manager's current formation
     * @param quota     a dyno's memory quota in bytes
     * @param residentBytes the manager's last memory sample of each running dyno, by name
     */
    public Metrics(DynoRegistry routes, Supplier<List<DynoInfo>> snapshot, Supplier<Formation> formation,
                   ToLongFunction<DynoInfo> quota, Supplier<Map<String, Long>> residentBytes) {
        this.residentBytes = residentBytes;
        this.routes = routes;
        this.snapshot = snapshot;
        this.formation = formation;
        this.quota = quota;
        this.states = MultiGauge.builder("dyno.dynos").description("Dynos by process type and state").register(registry);
        this.resident = MultiGauge.builder("dyno.memory.rss").baseUnit("bytes")
                .description("Resident memory of a dyno's process group").register(registry);
        this.quotas = MultiGauge.builder("dyno.memory.quota").baseUnit("bytes")
                .description("Memory quota of a dyno's size").register(registry);
        this.inFlight = MultiGauge.builder("dyno.router.in.flight").description("Requests in flight to a dyno")
                .register(registry);
        Gauge.builder("dyno.router.held.requests", routes, DynoRegistry::held)
                .description("Requests held while a sleeping app wakes").register(registry);
        Gauge.builder("dyno.router.queued.requests", routes, DynoRegistry::queued)
                .description("Requests waiting for room at a dyno (--queue-timeout)").register(registry);
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dyno-metrics");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Metrics of {@code dyno router} alone: the router's meters and in-flight gauges under the same
     * names as an app's, with no dynos or formation of its own (its backends are the "dyno" labels).
     */
    public static Metrics forRouter(DynoRegistry routes) {
        return new Metrics(routes, List::of, () -> Formation.of(List.of()), d -> 0, Map::of);
    }

    /** Starts sampling once a second; call after the suppliers can answer. */
    public void start() {
        sampler.scheduleAtFixedRate(this::sample, 0, 1, TimeUnit.SECONDS);
    }

    /** The observer to give the router. */
    public RouterMetrics router() {
        return router;
    }

    /** The listener to give the dyno manager (next to the router bridge). */
    public DynoMetrics dynos() {
        return dynos;
    }

    /** The last minutes of traffic. */
    public TrafficHistory history() {
        return history;
    }

    /** Memory of each running dyno as last sampled (at most a second old). */
    public List<DynoUsage> usage() {
        return usage;
    }

    /** The Prometheus text exposition (format 0.0.4) of every metric, gauges refreshed first. */
    public String scrape() {
        refresh();
        return registry.scrape();
    }

    /**
     * Also passes each second's service times (a histogram in microseconds, not to be kept) with the
     * epoch milliseconds of the sample, on the sampling thread.
     */
    public void onInterval(ObjLongConsumer<Histogram> listener) {
        intervalListeners.add(listener);
    }

    private void sample() {
        try {
            refresh();
            long now = System.currentTimeMillis();
            Histogram interval = router.intervalServiceMicros();
            Map<String, TrafficHistory.DynoSample> perDyno = new LinkedHashMap<>();
            for (String name : routes.names()) {
                perDyno.put(name, new TrafficHistory.DynoSample(router.requests(name),
                        router.intervalServiceMicros(name)));
            }
            history.sample(now, router.totalRequests(), router.errorsByCode(), interval, routes.queued(), perDyno);
            intervalListeners.forEach(l -> l.accept(interval, now));
        } catch (RuntimeException e) {
            logger.warn("sampling metrics failed", e);
        }
    }

    private synchronized void refresh() {
        List<DynoInfo> all = snapshot.get();
        Map<String, Map<DynoState, Integer>> counts = new TreeMap<>();
        formation.get().entries().forEach(e -> counts.put(e.type(), new EnumMap<>(DynoState.class)));
        List<MultiGauge.Row<?>> stateRows = new ArrayList<>();
        List<MultiGauge.Row<?>> rssRows = new ArrayList<>();
        List<MultiGauge.Row<?>> quotaRows = new ArrayList<>();
        List<DynoUsage> sampled = new ArrayList<>();
        // sampled by the manager from one scan of /proc for all dynos, not a scan per dyno here
        Map<String, Long> rssByDyno = residentBytes.get();
        for (DynoInfo d : all) {
            counts.computeIfAbsent(d.type(), t -> new EnumMap<>(DynoState.class)).merge(d.state(), 1, Integer::sum);
            if (d.pid() > 0) {
                long rss = rssByDyno.getOrDefault(d.name(), 0L);
                long q = quota.applyAsLong(d);
                sampled.add(new DynoUsage(d.name(), rss, q));
                rssRows.add(MultiGauge.Row.of(Tags.of("dyno", d.name()), rss));
                quotaRows.add(MultiGauge.Row.of(Tags.of("dyno", d.name()), q));
            }
        }
        counts.forEach((type, byState) -> {
            for (DynoState s : DynoState.values()) {
                stateRows.add(MultiGauge.Row.of(Tags.of("type", type, "state", s.id()), byState.getOrDefault(s, 0)));
            }
        });
        List<MultiGauge.Row<?>> flightRows = new ArrayList<>();
        for (String name : routes.names()) {
            flightRows.add(MultiGauge.Row.of(Tags.of("dyno", name), routes.inFlight(name)));
        }
        states.register(stateRows, true);
        resident.register(rssRows, true);
        quotas.register(quotaRows, true);
        inFlight.register(flightRows, true);
        usage = List.copyOf(sampled);
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        registry.close();
    }
}
