package dyno.router.select;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dyno with the fewest requests in flight for its weight ({@link WeightedLoad}). The scan starts
 * at a rotating index so that ties (an idle app) are spread round-robin rather than all sent to the
 * first dyno.
 */
public final class LeastConnStrategy implements SelectionStrategy {
    private final AtomicInteger cursor = new AtomicInteger();

    @Override
    public Dyno select(Snapshot candidates) {
        int n = candidates.size();
        int start = (cursor.getAndIncrement() & Integer.MAX_VALUE) % n;
        int best = start;
        int bestLoad = candidates.get(start).inFlight();
        for (int k = 1; k < n && bestLoad > 0; k++) {
            int i = (start + k) % n;
            int load = candidates.get(i).inFlight();
            if (WeightedLoad.lighter(load, candidates.weight(i), bestLoad, candidates.weight(best))) {
                best = i;
                bestLoad = load;
            }
        }
        return candidates.get(best);
    }
}
