package dyno.router.select;

import java.util.concurrent.ThreadLocalRandom;

/** A uniformly random dyno per request: Heroku's router. */
public final class RandomStrategy implements SelectionStrategy {
    @Override
    public Dyno select(Snapshot candidates) {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
