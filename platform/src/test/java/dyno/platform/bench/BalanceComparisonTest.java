package dyno.platform.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BalanceComparisonTest {
    private final BalanceComparison comparison = new BalanceComparison("/work", 4, 100, List.of(
            new BalanceComparison.Row("round-robin", new BenchStep(4, 1000, 0, 100, 50, 900, 3000, 7000)),
            new BalanceComparison.Row("random", new BenchStep(4, 1000, 0, 100, 60, 1000, 4500, 8000)),
            new BalanceComparison.Row("least-conn", new BenchStep(4, 1000, 0, 100, 50, 150, 300, 1000)),
            new BalanceComparison.Row("p2c", new BenchStep(4, 1000, 2, 100, 50, 160, 600, 1100))));

    @Test
    void p99IsComparedWithRoundRobin() {
        assertThat(comparison.p99VsRoundRobin(comparison.rows().get(0))).isEqualTo(1.0);
        assertThat(comparison.p99VsRoundRobin(comparison.rows().get(1))).isEqualTo(1.5);
        assertThat(comparison.p99VsRoundRobin(comparison.rows().get(2))).isEqualTo(0.1);
    }

    @Test
    void tableHasOneRowPerStrategy() {
        List<String> lines = comparison.table().lines().toList();
        assertThat(lines).hasSize(5);
        assertThat(lines.get(3)).startsWith("least-conn").contains("300.0", "0.10x");
        assertThat(lines.get(4)).startsWith("p2c").contains(" 2 ", "0.20x");
    }
}
