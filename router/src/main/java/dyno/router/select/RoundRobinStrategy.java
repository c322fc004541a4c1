package dyno.router.select;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each dyno in turn, over whatever snapshot is current; with weights, nginx's smooth weighted round
 * robin (weights 5, 1, 1 give a a b a c a a), read from the order the snapshot precomputed.
 */
public final class RoundRobinStrategy implements SelectionStrategy {
    private final AtomicInteger cursor = new AtomicInteger();

    @Override
    public Dyno select(Snapshot candidates) {
        int step = (cursor.getAndIncrement() & Integer.MAX_VALUE) % candidates.cycleLength();
        return candidates.get(candidates.atStep(step));
    }
}
