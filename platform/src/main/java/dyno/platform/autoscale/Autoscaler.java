package dyno.platform.autoscale;

import java.time.Duration;
import java.time.Instant;

/**
 * The decision rule, after Heroku's documented autoscaling: looking at the p95 response time of the
 * window (but never before the last scaling event, whose effect is what counts now), add one web dyno
 * when it is above the desired p95; remove one, less eagerly, when the p95 projected onto one dyno
 * fewer ({@code p95 x n / (n - 1)}) stays under three quarters of it, or when no request came at
 * all. Events are at least a cooldown apart (scale-downs two); the quantity never leaves
 * {@code [min, max]}, and a quantity outside it is brought back at once. No clock of its own: the
 * caller passes the time, so tests run it on a fake one.
 */
public final class Autoscaler {
    /** Fewest requests in the window for a p95 to count as a reason to scale up. */
    static final int MIN_REQUESTS = 20;
    /** A scale-down's projected p95 must stay under this share of the desired one. */
    static final double DOWN_MARGIN = 0.75;

    private Instant lastEvent = Instant.EPOCH;
    private boolean atMaxReported;
    /** Since when response times are collected: no scale-down before a whole window of them. */
    private volatile Instant watchingSince = Instant.EPOCH;

    /**
     * Response times are collected from {@code since} on (autoscaling was just enabled, its window
     * changed, the daemon started): until a whole window has passed, an empty or thin window is no
     * reason to remove a dyno. Scaling up on a p95 over enough requests is not held back.
     */
    public void watchFrom(Instant since) {
        watchingSince = since;
    }

    /** When the last scaling event happened ({@link Instant#EPOCH}: none yet). */
    public Instant lastEvent() {
        return lastEvent;
    }

    /**
     * Decides for {@code current} web dynos at {@code now}; {@code window} answers the stats of the
     * response times since an instant. A decision that scales is taken as done (the cooldown starts).
     */
    public AutoscaleDecision decide(AutoscalePolicy policy, int current, Instant now, Window window) {
        if (!policy.active()) {
            return AutoscaleDecision.none(current, "autoscaling is off");
        }
        if (current < policy.min() || current > policy.max()) {
            int to = Math.max(policy.min(), Math.min(policy.max(), current));
            return event(now, AutoscaleDecision.of(current, to, "outside the range " + policy.min() + ".."
                    + policy.max()));
        }
        Duration since = Duration.between(lastEvent, now);
        if (since.compareTo(policy.cooldown()) < 0) {
            return AutoscaleDecision.none(current, "cooling down");
        }
        Instant from = now.minus(policy.window());
        if (from.isBefore(lastEvent)) {
            from = lastEvent;
        }
        LatencyWindow.Stats stats = window.since(from);
        double target = policy.p95().toNanos() / 1e6;
        String over = " (" + stats.requests() + " requests over the last " + AutoscalePolicy.human(
                Duration.ofSeconds(Math.max(1, Duration.between(from, now).toSeconds()))) + ")";
        boolean downAllowed = since.compareTo(policy.cooldown().multipliedBy(2)) >= 0 && current > policy.min()
                && !now.minus(policy.window()).isBefore(watchingSince);
        if (stats.requests() == 0) {
            return downAllowed ? event(now, AutoscaleDecision.of(current, current - 1, "no requests" + over))
                    : AutoscaleDecision.none(current, "no requests");
        }
        if (stats.p95Millis() > target && stats.requests() >= MIN_REQUESTS) {
            if (current >= policy.max()) {
                String reason = "p95 " + ms(stats.p95Millis()) + " > " + ms(target) + " but at the upper limit "
                        + policy.max();
                boolean first = !atMaxReported;
                atMaxReported = true;
                return new AutoscaleDecision(current, current, reason, first);
            }
            return event(now, AutoscaleDecision.of(current, current + 1, "p95 " + ms(stats.p95Millis()) + " > "
                    + ms(target) + over));
        }
        atMaxReported = false;
        if (downAllowed) {
            double projected = stats.p95Millis() * current / (current - 1);
            if (projected < target * DOWN_MARGIN) {
                return event(now, AutoscaleDecision.of(current, current - 1, "p95 " + ms(stats.p95Millis())
                        + ", about " + ms(projected) + " with one dyno fewer, < " + ms(target * DOWN_MARGIN)
                        + " (75% of " + ms(target) + ")" + over));
            }
        }
        return AutoscaleDecision.none(current, "p95 " + ms(stats.p95Millis()) + " within " + ms(target));
    }

    private AutoscaleDecision event(Instant now, AutoscaleDecision d) {
        lastEvent = now;
        atMaxReported = false;
        return d;
    }

    private static String ms(double millis) {
        return millis >= 100 ? Math.round(millis) + "ms" : String.format(java.util.Locale.ROOT, "%.1fms", millis);
    }

    /** The response times seen since an instant. */
    @FunctionalInterface
    public interface Window {
        LatencyWindow.Stats since(Instant from);
    }
}
