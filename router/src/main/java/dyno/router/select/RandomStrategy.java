package dyno.router.select;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/** A random dyno per request, with probability proportional to its weight (uniform by default: Heroku's router). */
public final class RandomStrategy implements SelectionStrategy {
    private final Supplier<? extends RandomGenerator> random;

    public RandomStrategy() {
        this(ThreadLocalRandom::current);
    }

    /** With a given source of randomness (tests use a seeded one). */
    RandomStrategy(Supplier<? extends RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public Dyno select(Snapshot candidates) {
        // each dyno fills weight slots of the period: a uniform slot is a weighted dyno
        return candidates.get(candidates.atStep(random.get().nextInt(candidates.cycleLength())));
    }
}
