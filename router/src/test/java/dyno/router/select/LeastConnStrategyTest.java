package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LeastConnStrategyTest extends SelectionStrategyContract {
    @Override
    SelectionStrategy strategy() {
        return new LeastConnStrategy();
    }

    @Test
    void picksTheDynoWithFewestRequestsInFlight() {
        Snapshot s = snapshotOf(3);
        s.get(0).inFlightCounter().set(5);
        s.get(1).inFlightCounter().set(1);
        s.get(2).inFlightCounter().set(3);
        SelectionStrategy lc = strategy();
        for (int i = 0; i < 10; i++) {
            assertThat(lc.select(s)).isSameAs(s.get(1));
        }
    }
}
