package dyno.router.select;

import java.util.Arrays;

/**
 * Picking orders precomputed from a snapshot's weights, so that selection needs neither a lock nor
 * per-peer mutable state: one period of nginx's smooth weighted round robin, built once per
 * snapshot and then indexed by an atomic cursor.
 */
final class WeightedOrder {
    /**
     * Past this many steps x peers the exact smooth sequence would hold the table's lock too long
     * (it is rebuilt on every membership change); an evenly interleaved order with the same counts
     * is built instead.
     */
    static final long SMOOTH_STEP_BUDGET = 1L << 24;

    private static final int INDEX_BITS = 20;

    private WeightedOrder() {
    }

    /** The weights divided by their greatest common divisor: the same proportions, the shortest period. */
    static int[] reduce(int[] weights) {
        int g = 0;
        for (int w : weights) {
            g = gcd(g, w);
        }
        if (g <= 1) {
            return weights.clone();
        }
        int[] reduced = new int[weights.length];
        for (int i = 0; i < weights.length; i++) {
            reduced[i] = weights[i] / g;
        }
        return reduced;
    }

    private static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * One period of picks (peer indexes), of length sum(weights): peer i appears weights[i] times.
     * Equal weights give 0, 1, ..., n-1. Weights must be positive and reduced (see {@link #reduce}).
     */
    static int[] cycle(int[] weights) {
        int n = weights.length;
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        if (total == n) {
            int[] identity = new int[n];
            for (int i = 0; i < n; i++) {
                identity[i] = i;
            }
            return identity;
        }
        return (long) total * n <= SMOOTH_STEP_BUDGET || n >= 1 << INDEX_BITS
                ? smooth(weights, total) : interleaved(weights, total);
    }

    /**
     * nginx's ngx_http_upstream_get_peer: each step every peer's current weight grows by its weight,
     * the largest (the first on a tie) is picked and loses the total. After sum(weights) steps every
     * current weight is back to 0, so one period repeats forever.
     */
    static int[] smooth(int[] weights, int total) {
        int n = weights.length;
        int[] current = new int[n];
        int[] order = new int[total];
        for (int step = 0; step < total; step++) {
            int best = 0;
            for (int i = 0; i < n; i++) {
                current[i] += weights[i];
                if (current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[step] = best;
        }
        return order;
    }

    /** Peer i's j-th pick placed at (j + 1/2) / weights[i] of the period: the same counts, spread evenly. */
    static int[] interleaved(int[] weights, int total) {
        long[] due = new long[total];
        int k = 0;
        for (int i = 0; i < weights.length; i++) {
            for (int j = 0; j < weights[i]; j++) {
                long at = ((2L * j + 1) << 31) / (2L * weights[i]);
                due[k++] = at << INDEX_BITS | i;
            }
        }
        Arrays.sort(due);
        int[] order = new int[total];
        for (k = 0; k < total; k++) {
            order[k] = (int) (due[k] & ((1 << INDEX_BITS) - 1));
        }
        return order;
    }
}
