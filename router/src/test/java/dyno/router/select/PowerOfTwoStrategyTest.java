package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

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
}
