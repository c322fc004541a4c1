package dyno.router.select;

import java.util.concurrent.atomic.AtomicInteger;

/** Each dyno in turn, over whatever snapshot is current. */
public final class RoundRobinStrategy implements SelectionStrategy {
    private final AtomicInteger cursor = new AtomicInteger();

    @Override
    public Dyno select(Snapshot candidates) {
        int i = (cursor.getAndIncrement() & Integer.MAX_VALUE) % candidates.size();
        return candidates.get(i);
    }
}
