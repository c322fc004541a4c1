package dyno.platform.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The result of a sweep: one step per web dyno count, with scaling efficiency
 * {@code throughput(N) / (N x throughput(1 dyno))} against the step with the fewest dynos.
 */
public record BenchReport(String app, String path, String mode, double seconds, List<BenchStep> steps) {

    public BenchReport {
        steps = List.copyOf(steps);
    }

    /** Efficiency of {@code step}, from the per-dyno throughput of the first step; 1.0 is linear. */
    public double efficiency(BenchStep step) {
        if (steps.isEmpty()) {
            return 0;
        }
        BenchStep base = steps.get(0);
        double perDyno = base.throughput() / base.dynos();
        return perDyno <= 0 ? 0 : step.throughput() / (step.dynos() * perDyno);
    }

    /** The table printed at the end of {@code dyno bench}. */
    public String table() {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%-6s %10s %9s %9s %9s %9s %8s %11s%n",
                "dynos", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "efficiency"));
        for (BenchStep s : steps) {
            out.append(String.format(Locale.ROOT, "%-6d %10.1f %9.1f %9.1f %9.1f %9.1f %8d %10.0f%%%n",
                    s.dynos(), s.throughput(), s.p50(), s.p95(), s.p99(), s.max(), s.errors(), 100 * efficiency(s)));
        }
        return out.toString();
    }

    /** The machine-readable form ({@code --json}). */
    public ObjectNode json() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("app", app).put("path", path).put("mode", mode).put("seconds_per_step", seconds);
        ArrayNode list = root.putArray("steps");
        for (BenchStep s : steps) {
            list.addObject().put("dynos", s.dynos()).put("requests", s.requests()).put("errors", s.errors())
                    .put("requests_per_second", round(s.throughput())).put("p50_ms", round(s.p50()))
                    .put("p95_ms", round(s.p95())).put("p99_ms", round(s.p99())).put("max_ms", round(s.max()))
                    .put("efficiency", round(efficiency(s)));
        }
        return root;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
