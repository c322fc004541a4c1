package dyno.router.health;

import static java.util.Objects.requireNonNull;

import dyno.router.RouterListener;
import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import dyno.router.select.Snapshot;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks, as HAProxy's {@code check inter/rise/fall}: one probe per registered dyno
 * every {@code interval} (a probe still running when the next is due makes it skip that turn);
 * {@code fall} consecutive failures take the dyno out of rotation, {@code rise} consecutive
 * successes bring it back. Each transition is logged once at INFO and told to the
 * {@link RouterListener}. Decorates the table through {@link DynoTable#setHealthy(Dyno, boolean)};
 * the probe itself is injectable.
 */
public final class HealthMonitor implements DynoTable.Membership {
    private static final Logger logger = LoggerFactory.getLogger(HealthMonitor.class);

    private final DynoTable table;
    private final HealthCheck check;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private final Duration timeout;
    private final int fall;
    private final int rise;
    private final RouterListener listener;
    private final Map<Dyno, Watch> watches = new ConcurrentHashMap<>();

    public HealthMonitor(DynoTable table, HealthCheck check, ScheduledExecutorService scheduler, Duration interval,
                         Duration timeout, int fall, int rise, RouterListener listener) {
        this.table = requireNonNull(table, "table");
        this.check = requireNonNull(check, "check");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.interval = requireNonNull(interval, "interval");
        this.timeout = requireNonNull(timeout, "timeout");
        this.fall = fall;
        this.rise = rise;
        this.listener = requireNonNull(listener, "listener");
    }

    @Override
    public void added(Dyno dyno) {
        Watch w = new Watch(dyno);
        watches.put(dyno, w);
        w.future = scheduler.scheduleAtFixedRate(w::probe, interval.toNanos(), interval.toNanos(),
                TimeUnit.NANOSECONDS);
    }

    @Override
    public void removed(Dyno dyno) {
        Watch w = watches.remove(dyno);
        if (w != null && w.future != null) {
            w.future.cancel(false);
        }
    }

    /** Stops every probe. */
    public void close() {
        for (Dyno d : watches.keySet()) {
            removed(d);
        }
    }

    private void report(HealthTransition t) {
        logger.info("{}", t);
        try {
            listener.healthChanged(t);
        } catch (RuntimeException e) {
            logger.warn("RouterListener.healthChanged failed", e);
        }
    }

    private final class Watch {
        private final Dyno dyno;
        private volatile ScheduledFuture<?> future;
        // Guarded by synchronized(this): probes are serialized by 'running'.
        private boolean running;
        private boolean healthy = true;
        private int successes;
        private int failures;

        Watch(Dyno dyno) {
            this.dyno = dyno;
        }

        void probe() {
            synchronized (this) {
                if (running || dyno.removed()) {
                    return;
                }
                running = true;
            }
            check.check(dyno.address(), timeout).whenComplete((result, error) -> record(result != null ? result
                    : HealthCheck.Result.failed("error: " + (error == null ? "no result" : error.getMessage()))));
        }

        void record(HealthCheck.Result result) {
            int checks;
            synchronized (this) {
                running = false;
                if (result.passed()) {
                    failures = 0;
                    successes = Math.min(successes + 1, rise);
                    if (healthy || successes < rise) {
                        return;
                    }
                    healthy = true;
                    checks = successes;
                } else {
                    successes = 0;
                    failures = Math.min(failures + 1, fall);
                    logger.debug("{} failed a health check ({}/{}): {}", dyno, failures, fall, result.reason());
                    if (!healthy || failures < fall) {
                        return;
                    }
                    healthy = false;
                    checks = failures;
                }
            }
            if (dyno.removed()) {
                return;
            }
            table.setHealthy(dyno, result.passed());
            Snapshot s = table.snapshot();
            report(new HealthTransition(dyno.name(), dyno.address(), result.passed(), result.reason(), checks,
                    result.passed() ? rise : fall, s.size(), s.registered()));
        }
    }
}
