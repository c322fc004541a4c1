package dyno.router.select;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Power of two choices: two distinct dynos drawn with probability proportional to their weights,
 * then the one with fewer requests in flight for its weight ({@link WeightedLoad}).
 */
public final class PowerOfTwoStrategy implements SelectionStrategy {
    private final Supplier<? extends RandomGenerator> random;

    public PowerOfTwoStrategy() {
        this(ThreadLocalRandom::current);
    }

    /** With a given source of randomness (tests use a seeded one). */
    PowerOfTwoStrategy(Supplier<? extends RandomGenerator> random) {
        this.random = random;
    }

    @Override
    public Dyno select(Snapshot candidates) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        RandomGenerator r = random.get();
        int a = candidates.atStep(r.nextInt(candidates.cycleLength()));
        // the second draw skips a's share, so the two differ
        int weightA = candidates.weight(a);
        int position = r.nextInt(candidates.cycleLength() - weightA);
        if (position >= candidates.shareStart(a)) {
            position += weightA;
        }
        int b = candidates.atPosition(position);
        Dyno x = candidates.get(a);
        Dyno y = candidates.get(b);
        return WeightedLoad.lighter(y.inFlight(), candidates.weight(b), x.inFlight(), weightA) ? y : x;
    }
}
