package dyno.router.health;

import static java.util.Objects.requireNonNull;

import dyno.router.RouterListener;
import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import dyno.router.select.Snapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * the probe itself is injectable. The checks can be changed or switched off while running
 * ({@link #checks}, {@link #off()}).
 */
public final class HealthMonitor implements DynoTable.Membership {
    private static final Logger logger = LoggerFactory.getLogger(HealthMonitor.class);

    /** The settings of one generation of probes. */
    private record Plan(HealthCheck check, Duration interval, Duration timeout, int fall, int rise) {
    }

    private final DynoTable table;
    private final ScheduledExecutorService scheduler;
    private final RouterListener listener;
    private final Object lock = new Object();
    /** Every dyno told as added and not removed; a watch for each while checks are on. Guarded by lock. */
    private final Map<Dyno, Watch> members = new LinkedHashMap<>();
    private Plan plan; // guarded by lock; null while off

    /** A monitor with checks off, until {@link #checks}. */
    public HealthMonitor(DynoTable table, ScheduledExecutorService scheduler, RouterListener listener) {
        this.table = requireNonNull(table, "table");
        this.scheduler = requireNonNull(scheduler, "scheduler");
        this.listener = requireNonNull(listener, "listener");
    }

    public HealthMonitor(DynoTable table, HealthCheck check, ScheduledExecutorService scheduler, Duration interval,
                         Duration timeout, int fall, int rise, RouterListener listener) {
        this(table, scheduler, listener);
        checks(check, interval, timeout, fall, rise, true);
    }

    /**
     * Probes every dyno with these settings from now on: each dyno's probes restart (a probe under
     * way is ignored). With {@code keepHealth} each dyno keeps its verdict (an unhealthy one needs
     * {@code rise} passed checks); without, each starts healthy, as a newly added dyno does.
     */
    public void checks(HealthCheck check, Duration interval, Duration timeout, int fall, int rise, boolean keepHealth) {
        Plan next = new Plan(requireNonNull(check, "check"), requireNonNull(interval, "interval"),
                requireNonNull(timeout, "timeout"), fall, rise);
        List<Dyno> revived = new ArrayList<>();
        synchronized (lock) {
            plan = next;
            for (Map.Entry<Dyno, Watch> e : members.entrySet()) {
                Watch old = e.getValue();
                boolean healthy = old == null || old.retire(); // off until now: every dyno was healthy
                if (!healthy && !keepHealth) {
                    revive(e.getKey(), revived);
                    healthy = true;
                }
                e.setValue(start(e.getKey(), next, healthy));
            }
        }
        report(revived, "health checks changed");
    }

    /** Stops every probe; every dyno is healthy from now on. */
    public void off() {
        List<Dyno> revived = new ArrayList<>();
        synchronized (lock) {
            plan = null;
            for (Map.Entry<Dyno, Watch> e : members.entrySet()) {
                Watch old = e.getValue();
                if (old != null && !old.retire()) {
                    revive(e.getKey(), revived);
                }
                e.setValue(null);
            }
        }
        report(revived, "health checks off");
    }

    /** Marks healthy a dyno whose retired checks found it unhealthy; under lock, before its next checks start. */
    private void revive(Dyno dyno, List<Dyno> revived) {
        table.setHealthy(dyno, true);
        revived.add(dyno);
    }

    private void report(List<Dyno> revived, String reason) {
        for (Dyno d : revived) {
            Snapshot s = table.snapshot();
            report(new HealthTransition(d.name(), d.address(), true, reason, 0, 0, s.size(), s.registered()));
        }
    }

    @Override
    public void added(Dyno dyno) {
        synchronized (lock) {
            if (dyno.removed()) {
                return; // removed before it was told as added: nothing to watch
            }
            members.put(dyno, plan == null ? null : start(dyno, plan, true));
        }
    }

    @Override
    public void removed(Dyno dyno) {
        Watch w;
        synchronized (lock) {
            w = members.remove(dyno);
        }
        if (w != null) {
            w.retire();
        }
    }

    /** Stops every probe. */
    public void close() {
        synchronized (lock) {
            plan = null;
            for (Map.Entry<Dyno, Watch> e : members.entrySet()) {
                if (e.getValue() != null) {
                    e.getValue().retire();
                }
                e.setValue(null);
            }
        }
    }

    private Watch start(Dyno dyno, Plan p, boolean healthy) {
        Watch w = new Watch(dyno, p, healthy);
        w.future = scheduler.scheduleAtFixedRate(w::probe, p.interval.toNanos(), p.interval.toNanos(),
                TimeUnit.NANOSECONDS);
        return w;
    }

    private void report(HealthTransition t) {
        logger.info("{}", t);
        try {
            listener.healthChanged(t);
        } catch (RuntimeException e) {
            logger.warn("RouterListener.healthChanged failed", e);
        }
    }

    /** One dyno's probes under one plan. */
    private final class Watch {
        private final Dyno dyno;
        private final Plan plan;
        private volatile ScheduledFuture<?> future;
        // Guarded by synchronized(this): probes are serialized by 'running'.
        private boolean running;
        private boolean retired;
        private boolean healthy;
        private int successes;
        private int failures;

        Watch(Dyno dyno, Plan plan, boolean healthy) {
            this.dyno = dyno;
            this.plan = plan;
            this.healthy = healthy;
        }

        /** Stops probing; a probe under way changes nothing any more. Returns the verdict it had. */
        synchronized boolean retire() {
            retired = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
            return healthy;
        }

        void probe() {
            synchronized (this) {
                if (running || retired || dyno.removed()) {
                    return;
                }
                running = true;
            }
            plan.check.check(dyno.address(), plan.timeout).whenComplete((result, error) -> record(result != null
                    ? result : HealthCheck.Result.failed("error: " + (error == null ? "no result" : error.getMessage()))));
        }

        void record(HealthCheck.Result result) {
            int checks;
            synchronized (this) {
                running = false;
                if (retired) {
                    return;
                }
                if (result.passed()) {
                    failures = 0;
                    successes = Math.min(successes + 1, plan.rise);
                    if (healthy || successes < plan.rise) {
                        return;
                    }
                    healthy = true;
                    checks = successes;
                } else {
                    successes = 0;
                    failures = Math.min(failures + 1, plan.fall);
                    logger.debug("{} failed a health check ({}/{}): {}", dyno, failures, plan.fall, result.reason());
                    if (!healthy || failures < plan.fall) {
                        return;
                    }
                    healthy = false;
                    checks = failures;
                }
                if (dyno.removed()) {
                    return;
                }
                // Under this watch's lock: once retired, no verdict of it reaches the table any more.
                table.setHealthy(dyno, result.passed());
            }
            Snapshot s = table.snapshot();
            report(new HealthTransition(dyno.name(), dyno.address(), result.passed(), result.reason(), checks,
                    result.passed() ? plan.rise : plan.fall, s.size(), s.registered()));
        }
    }
}
