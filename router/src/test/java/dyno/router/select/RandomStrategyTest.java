package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RandomStrategyTest extends SelectionStrategyContract {
    @Override
    SelectionStrategy strategy() {
        return new RandomStrategy();
    }

    @Test
    void picksEachDynoInProportionToItsWeight() {
        SplittableRandom seeded = new SplittableRandom(19);
        SelectionStrategy random = new RandomStrategy(() -> seeded);
        int n = 40_000;
        int[] counts = picks(random, weighted(5, 1, 2), n);
        // shares 5/8, 1/8, 2/8; one standard deviation is at most 0.0025 of n here: allow 4
        assertThat(counts[0] / (double) n).isCloseTo(5 / 8.0, within(0.01));
        assertThat(counts[1] / (double) n).isCloseTo(1 / 8.0, within(0.01));
        assertThat(counts[2] / (double) n).isCloseTo(2 / 8.0, within(0.01));
    }

    @Test
    void equalWeightsAreUniform() {
        SplittableRandom seeded = new SplittableRandom(7);
        int[] counts = picks(new RandomStrategy(() -> seeded), weighted(3, 3, 3, 3), 40_000);
        for (int c : counts) {
            assertThat(c / 40_000.0).isCloseTo(0.25, within(0.01));
        }
    }
}
