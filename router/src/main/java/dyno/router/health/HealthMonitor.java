package dyno.router.health;

import static java.util.Objects.requireNonNull;

import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Active health checks: one periodic probe per registered dyno; {@code fall} consecutive failures
 * take it out of rotation, {@code rise} consecutive successes bring it back. Decorates the table
 * through {@link DynoTable#setHealthy(Dyno, boolean)}; the probe itself is injectable.
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
    private final Map<Dyno, Watch> watches = new ConcurrentHashMap<>();

    public HealthMonitor(DynoTable table, HealthCheck check, ScheduledExecutorService scheduler, Duration interval,
                         Duration timeout, int fall, int rise) {
        this.table = requireNonNull(table, "table");
        this.check = requireNonNull(check, "check");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.interval = requireNonNull(interval, "interval");
        this.timeout = requireNonNull(timeout, "timeout");
        this.fall = fall;
        this.rise = rise;
    }

    @Override
    public void added(Dyno dyno) {
        Watch w = new Watch(dyno);
        watches.put(dyno, w);
        w.future = scheduler.scheduleWithFixedDelay(w::probe, interval.toNanos(), interval.toNanos(),
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

    private final class Watch {
        private final Dyno dyno;
        private volatile ScheduledFuture<?> future;
        // Guarded by synchronized(this): probes are serialized by 'running'.
        private boolean running;
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
            check.check(dyno.address(), timeout).whenComplete((ok, error) -> record(ok != null && ok));
        }

        void record(boolean ok) {
            Boolean verdict = null;
            synchronized (this) {
                running = false;
                if (ok) {
                    failures = 0;
                    if (++successes >= rise) {
                        verdict = Boolean.TRUE;
                    }
                } else {
                    successes = 0;
                    if (++failures >= fall) {
                        verdict = Boolean.FALSE;
                    }
                }
            }
            if (verdict != null && !dyno.removed()) {
                if (!verdict) {
                    logger.debug("{} failed {} health checks in a row", dyno, fall);
                }
                table.setHealthy(dyno, verdict);
            }
        }
    }
}
