package dyno.router.select;

/**
 * Immutable view of the dynos that may take traffic, rebuilt on every membership, weight, state or
 * balance change. Besides the dynos it holds their weights (divided by their common divisor), the
 * weighted picking order strategies index without locks, and the strategy itself: the request path
 * reads one volatile field, the table's snapshot, for all of it.
 */
public final class Snapshot {
    private final SelectionStrategy strategy;
    private final Dyno[] eligible;
    private final int registered;
    private final int[] weights;
    /** End (exclusive) of dyno i's share in [0, cycle()): weights[0] + ... + weights[i]. */
    private final int[] ends;
    private final int[] cycle;

    /** A snapshot for tests of strategies, which call a strategy themselves. */
    Snapshot(Dyno[] eligible, int registered) {
        this(eligible, registered, null);
    }

    /** A snapshot of dynos whose weights are all positive, picked from by {@code strategy}. */
    Snapshot(Dyno[] eligible, int registered, SelectionStrategy strategy) {
        this(eligible, null, registered, strategy);
    }

    /** The same with the weights to pick with (null: the dynos' own), e.g. ramping ones ({@link SlowStart}). */
    Snapshot(Dyno[] eligible, int[] effective, int registered, SelectionStrategy strategy) {
        this.strategy = strategy;
        this.eligible = eligible;
        this.registered = registered;
        int[] raw = new int[eligible.length];
        for (int i = 0; i < eligible.length; i++) {
            raw[i] = effective != null ? effective[i] : eligible[i].weight;
            if (raw[i] <= 0) {
                throw new IllegalArgumentException("weight of " + eligible[i] + ": " + raw[i] + " (expected: > 0)");
            }
        }
        weights = WeightedOrder.reduce(raw);
        ends = new int[weights.length];
        int sum = 0;
        for (int i = 0; i < weights.length; i++) {
            sum += weights[i];
            ends[i] = sum;
        }
        cycle = WeightedOrder.cycle(weights);
    }

    /** How {@link DynoTable#select(Snapshot)} picks from this snapshot. */
    SelectionStrategy strategy() {
        return strategy;
    }

    /** Dynos eligible for traffic. */
    public int size() {
        return eligible.length;
    }

    public boolean isEmpty() {
        return eligible.length == 0;
    }

    /** The eligible dyno named {@code name}, or null when none is (gone, down, draining, weight 0). */
    public Dyno find(String name) {
        for (Dyno d : eligible) {
            if (d.name().equals(name)) {
                return d;
            }
        }
        return null;
    }

    /** The i-th eligible dyno, 0 <= i < size(). */
    public Dyno get(int i) {
        return eligible[i];
    }

    /** Registered dynos (not draining), eligible or not: 0 means H14, otherwise an empty snapshot means H10. */
    public int registered() {
        return registered;
    }

    /** The i-th dyno's weight divided by the common divisor of all weights (1 when all weights are equal). */
    int weight(int i) {
        return weights[i];
    }

    /** Length of one weighted period: the sum of {@link #weight(int)}; size() when all weights are equal. */
    int cycleLength() {
        return cycle.length;
    }

    /** Index of the dyno picked at {@code step} of nginx's smooth weighted round robin, 0 <= step < cycleLength(). */
    int atStep(int step) {
        return cycle[step];
    }

    /** Where dyno i's share starts in [0, cycleLength()). */
    int shareStart(int i) {
        return ends[i] - weights[i];
    }

    /** Index of the dyno whose share holds {@code position}, 0 <= position < cycleLength(). */
    int atPosition(int position) {
        int lo = 0;
        int hi = ends.length - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ends[mid] > position) {
                hi = mid;
            } else {
                lo = mid + 1;
            }
        }
        return lo;
    }
}
