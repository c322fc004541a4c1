package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RoundRobinStrategyTest extends SelectionStrategyContract {

    @Override
    SelectionStrategy strategy() {
        return new RoundRobinStrategy();
    }

    @Test
    void visitsDynosInTurn() {
        Snapshot s = snapshotOf(3);
        SelectionStrategy rr = strategy();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 3; i++) {
                assertThat(rr.select(s)).isSameAs(s.get(i));
            }
        }
    }
}
