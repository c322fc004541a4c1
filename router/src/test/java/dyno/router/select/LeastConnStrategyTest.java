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

    @Test
    void comparesRequestsInFlightPerUnitOfWeight() {
        Snapshot s = weighted(3, 1);
        SelectionStrategy lc = strategy();
        s.get(0).inFlightCounter().set(4); // (4 + 1) / 3 < (1 + 1) / 1
        s.get(1).inFlightCounter().set(1);
        assertThat(lc.select(s)).isSameAs(s.get(0));
        assertThat(lc.select(s)).isSameAs(s.get(0));
        s.get(0).inFlightCounter().set(6); // (6 + 1) / 3 > (1 + 1) / 1
        assertThat(lc.select(s)).isSameAs(s.get(1));
        assertThat(lc.select(s)).isSameAs(s.get(1));
    }

    @Test
    void anIdleDynoWinsWhateverItsWeight() {
        Snapshot s = weighted(100, 1);
        s.get(0).inFlightCounter().set(1);
        assertThat(strategy().select(s)).isSameAs(s.get(1));
    }

    @Test
    void requestsThatNeverFinishSpreadAsTheWeights() {
        Snapshot s = weighted(3, 1, 2);
        SelectionStrategy lc = strategy();
        for (int i = 0; i < 600; i++) {
            lc.select(s).inFlightCounter().incrementAndGet();
        }
        // (in flight + 1) / weight stays level: 3k - 1, k - 1, 2k - 1 with 6k - 3 = 600
        assertThat(s.get(0).inFlight()).isBetween(298, 302);
        assertThat(s.get(1).inFlight()).isBetween(98, 102);
        assertThat(s.get(2).inFlight()).isBetween(198, 202);
    }
}
