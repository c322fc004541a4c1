package dyno.router.select;

import java.util.concurrent.ThreadLocalRandom;

/** Power of two choices: two distinct random dynos, the one with fewer requests in flight. */
public final class PowerOfTwoStrategy implements SelectionStrategy {
    @Override
    public Dyno select(Snapshot candidates) {
        int n = candidates.size();
        if (n == 1) {
            return candidates.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int a = random.nextInt(n);
        int b = random.nextInt(n - 1);
        if (b >= a) {
            b++;
        }
        Dyno x = candidates.get(a);
        Dyno y = candidates.get(b);
        return y.inFlight() < x.inFlight() ? y : x;
    }
}
