package dyno.platform.bench;

import java.util.List;
import java.util.Locale;

/** p99 and friends for the same open-loop workload under each balancing strategy. */
public record BalanceComparison(String path, int dynos, double rate, List<Row> rows) {

    /** One strategy's result. */
    public record Row(String balance, BenchStep step) {
    }

    public BalanceComparison {
        rows = List.copyOf(rows);
    }

    /** {@code p99(strategy) / p99(round-robin)}; below 1 is better than round-robin. */
    public double p99VsRoundRobin(Row row) {
        double base = rows.stream().filter(r -> r.balance().equals("round-robin")).findFirst()
                .map(r -> r.step().p99()).orElse(0.0);
        return base <= 0 ? 0 : row.step().p99() / base;
    }

    /** The table printed by {@code dyno bench --compare-balance}. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-12s %9s %9s %9s %9s %9s %7s %11s%n",
                "balance", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "p99 vs rr"));
        for (Row r : rows) {
            BenchStep s = r.step();
            out.append(String.format(Locale.ROOT, "%-12s %9.1f %9.1f %9.1f %9.1f %9.1f %7d %10.2fx%n",
                    r.balance(), s.throughput(), s.p50(), s.p95(), s.p99(), s.max(), s.errors(), p99VsRoundRobin(r)));
        }
        return out.toString();
    }
}
