package dyno.router.select;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The dyno with the fewest requests in flight. The scan starts at a rotating index so that ties
 * (an idle app) are spread round-robin rather than all sent to the first dyno.
 */
public final class LeastConnStrategy implements SelectionStrategy {
    private final AtomicInteger cursor = new AtomicInteger();

    @Override
    public Dyno select(Snapshot candidates) {
        int n = candidates.size();
        int start = (cursor.getAndIncrement() & Integer.MAX_VALUE) % n;
        Dyno best = candidates.get(start);
        int bestLoad = best.inFlight();
        for (int k = 1; k < n && bestLoad > 0; k++) {
            Dyno d = candidates.get((start + k) % n);
            int load = d.inFlight();
            if (load < bestLoad) {
                best = d;
                bestLoad = load;
            }
        }
        return best;
    }
}
