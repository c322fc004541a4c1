package dyno.router.select;

import java.time.Duration;

/**
 * HAProxy's {@code slowstart}: a dyno that just became eligible (added, back up after health checks,
 * out of quarantine or maintenance) gets a share that grows linearly from almost nothing to its full
 * weight over the period, so a cold JVM that just scaled up is not flooded at once. Weights are
 * scaled by {@link #SCALE} while any dyno ramps, so a weight of 1 can ramp too; the snapshot divides
 * them by their common divisor, which gives plain weights back once every ramp has ended.
 */
final class SlowStart {
    /** Steps of a ramp: a dyno of weight w goes from w to w x 16 units while the others have w x 16. */
    static final int SCALE = 16;

    private SlowStart() {
    }

    /**
     * The weights to pick with at {@code nowNanos}, or null when no dyno ramps (use their weights).
     * Each dyno's ramp starts at its {@code eligibleSince}.
     */
    static int[] weights(Dyno[] eligible, long nowNanos, Duration period) {
        long p = period.toNanos();
        if (p <= 0) {
            return null;
        }
        int[] out = null;
        for (int i = 0; i < eligible.length; i++) {
            long elapsed = nowNanos - eligible[i].eligibleSince;
            if (elapsed < p) {
                out = out != null ? out : new int[eligible.length];
                out[i] = (int) Math.max(1, eligible[i].weight * SCALE * elapsed / p);
            }
        }
        if (out == null) {
            return null;
        }
        for (int i = 0; i < eligible.length; i++) {
            if (out[i] == 0) {
                out[i] = eligible[i].weight * SCALE;
            }
        }
        return out;
    }

    /** Nanoseconds until the next step of any ramp, or -1 when none ramps. */
    static long nextStepNanos(Dyno[] eligible, long nowNanos, Duration period) {
        long p = period.toNanos();
        long step = Math.max(p / SCALE, 1);
        long next = -1;
        for (Dyno d : eligible) {
            long elapsed = nowNanos - d.eligibleSince;
            if (p > 0 && elapsed < p) {
                long wait = Math.min(step - elapsed % step, p - elapsed);
                next = next < 0 ? wait : Math.min(next, wait);
            }
        }
        return next;
    }
}
