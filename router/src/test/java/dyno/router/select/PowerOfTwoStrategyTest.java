package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class PowerOfTwoStrategyTest extends SelectionStrategyContract {
    @Override
    SelectionStrategy strategy() {
        return new PowerOfTwoStrategy();
    }

    @Test
    void neverPicksTheBusiestOfTwoDynos() {
        Snapshot s = snapshotOf(2);
        s.get(0).inFlightCounter().set(4);
        SelectionStrategy p2c = strategy();
        for (int i = 0; i < 50; i++) {
            assertThat(p2c.select(s)).isSameAs(s.get(1));
        }
    }

    @Test
    void neverPicksTheSingleBusiestDynoSinceItsTwoChoicesDiffer() {
        Snapshot s = snapshotOf(4);
        s.get(2).inFlightCounter().set(9);
        SelectionStrategy p2c = strategy();
        for (int i = 0; i < 500; i++) {
            assertThat(p2c.select(s)).isNotSameAs(s.get(2));
        }
    }

    @Test
    void twoChoicesDifferEvenWhenOneDynoHoldsAlmostAllTheWeight() {
        Snapshot s = weighted(256, 1);
        s.get(0).inFlightCounter().set(1000); // 1001 / 256 > (1 + 1) / 1
        s.get(1).inFlightCounter().set(1);
        SelectionStrategy p2c = strategy();
        for (int i = 0; i < 200; i++) {
            assertThat(p2c.select(s)).isSameAs(s.get(1));
        }
    }

    @Test
    void comparesRequestsInFlightPerUnitOfWeight() {
        Snapshot s = weighted(3, 1);
        s.get(0).inFlightCounter().set(4);
        s.get(1).inFlightCounter().set(1);
        SelectionStrategy p2c = strategy();
        for (int i = 0; i < 50; i++) {
            assertThat(p2c.select(s)).isSameAs(s.get(0));
        }
    }

    @Test
    void idleDynosArePickedInProportionToTheirWeights() {
        SplittableRandom seeded = new SplittableRandom(42);
        int n = 40_000;
        int[] counts = picks(new PowerOfTwoStrategy(() -> seeded), weighted(5, 1, 2), n);
        // with every dyno idle the first draw wins: a weighted random pick
        assertThat(counts[0] / (double) n).isCloseTo(5 / 8.0, within(0.01));
        assertThat(counts[1] / (double) n).isCloseTo(1 / 8.0, within(0.01));
        assertThat(counts[2] / (double) n).isCloseTo(2 / 8.0, within(0.01));
    }

    @Test
    void requestsThatNeverFinishSpreadAsTheWeights() {
        SplittableRandom seeded = new SplittableRandom(1);
        Snapshot s = weighted(3, 1, 2);
        SelectionStrategy p2c = new PowerOfTwoStrategy(() -> seeded);
        for (int i = 0; i < 6000; i++) {
            p2c.select(s).inFlightCounter().incrementAndGet();
        }
        assertThat(s.get(0).inFlight() / 6000.0).isCloseTo(3 / 6.0, within(0.02));
        assertThat(s.get(1).inFlight() / 6000.0).isCloseTo(1 / 6.0, within(0.02));
        assertThat(s.get(2).inFlight() / 6000.0).isCloseTo(2 / 6.0, within(0.02));
    }
}
