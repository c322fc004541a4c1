package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What every selection strategy must do; each strategy's test extends this. */
abstract class SelectionStrategyContract {

    abstract SelectionStrategy strategy();

    static Snapshot snapshotOf(int n) {
        Dyno[] dynos = new Dyno[n];
        for (int i = 0; i < n; i++) {
            dynos[i] = new Dyno("web." + (i + 1), new InetSocketAddress("127.0.0.1", 5000 + i));
        }
        return new Snapshot(dynos, n);
    }

    /** A snapshot of dynos web.1, web.2... with these weights (all positive, as the table publishes). */
    static Snapshot weighted(int... weights) {
        Dyno[] dynos = new Dyno[weights.length];
        for (int i = 0; i < weights.length; i++) {
            dynos[i] = new Dyno("web." + (i + 1), new InetSocketAddress("127.0.0.1", 5000 + i));
            dynos[i].weight = weights[i];
        }
        return new Snapshot(dynos, weights.length);
    }

    /** How many of {@code picks} selections went to each dyno of the snapshot, in snapshot order. */
    static int[] picks(SelectionStrategy strategy, Snapshot s, int picks) {
        int[] counts = new int[s.size()];
        for (int i = 0; i < picks; i++) {
            Dyno d = strategy.select(s);
            for (int k = 0; k < s.size(); k++) {
                if (s.get(k) == d) {
                    counts[k]++;
                }
            }
        }
        return counts;
    }

    @Test
    void selectsOnlyFromTheSnapshot() {
        Snapshot s = snapshotOf(3);
        SelectionStrategy strategy = strategy();
        for (int i = 0; i < 100; i++) {
            Dyno d = strategy.select(s);
            assertThat(d).isIn(s.get(0), s.get(1), s.get(2));
        }
    }

    @Test
    void spreadsRequestsOverEveryDyno() {
        Snapshot s = snapshotOf(4);
        SelectionStrategy strategy = strategy();
        Map<Dyno, Integer> counts = new HashMap<>();
        for (int i = 0; i < 4000; i++) {
            counts.merge(strategy.select(s), 1, Integer::sum);
        }
        assertThat(counts).hasSize(4);
        assertThat(counts.values()).allSatisfy(c -> assertThat(c).isGreaterThan(500));
    }

    @Test
    void sendsAHeavierDynoMoreOfTheRequestsInFlight() {
        Snapshot s = weighted(1, 4);
        SelectionStrategy strategy = strategy();
        for (int i = 0; i < 5000; i++) {
            strategy.select(s).inFlightCounter().incrementAndGet(); // none finishes
        }
        assertThat(s.get(1).inFlight()).isGreaterThan(3 * s.get(0).inFlight());
    }

    @Test
    void handlesASingleWeightedDyno() {
        Snapshot s = weighted(7);
        SelectionStrategy strategy = strategy();
        for (int i = 0; i < 20; i++) {
            assertThat(strategy.select(s)).isSameAs(s.get(0));
        }
    }

    @Test
    void handlesASingleDyno() {
        Snapshot s = snapshotOf(1);
        assertThat(strategy().select(s)).isSameAs(s.get(0));
    }
}
