package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
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

    private static List<String> names(SelectionStrategy rr, Snapshot s, int picks) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < picks; i++) {
            seen.add(rr.select(s).name());
        }
        return seen;
    }

    @Test
    void followsNginxSmoothWeightedRoundRobin() {
        // nginx's ngx_http_upstream_get_peer comment: weights { 5, 1, 1 } give { a, a, b, a, c, a, a }
        Snapshot s = weighted(5, 1, 1);
        assertThat(names(strategy(), s, 14)).containsExactly(
                "web.1", "web.1", "web.2", "web.1", "web.3", "web.1", "web.1",
                "web.1", "web.1", "web.2", "web.1", "web.3", "web.1", "web.1");
    }

    @Test
    void givesEachDynoExactlyItsWeightPerPeriod() {
        Snapshot s = weighted(3, 1);
        assertThat(names(strategy(), s, 8)).containsExactly(
                "web.1", "web.1", "web.2", "web.1", "web.1", "web.1", "web.2", "web.1");
        assertThat(picks(strategy(), weighted(256, 7, 1, 100), 364 * 3)).containsExactly(768, 21, 3, 300);
    }

    @Test
    void equalWeightsVisitDynosInTurnAsWeightOne() {
        Snapshot s = weighted(4, 4, 4);
        SelectionStrategy rr = strategy();
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 3; i++) {
                assertThat(rr.select(s)).isSameAs(s.get(i));
            }
        }
    }
}
