package dyno.platform.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Locale;

/**
 * The result of a sweep: one step per web dyno count, with scaling efficiency
 * {@code throughput(N) / (N x throughput(1 dyno))} against the step with the fewest dynos, and,
 * where CPU was measured, whether the step was bound by the host: the dynos' CPU shares add up to
 * the machine's cores, or the machine was {@link #HOST_BUSY} busy (the load generator, the router
 * and whatever else runs there included) and the dynos did not get 90% of their shares.
 *
 * @param hostCores the machine's cores; 0 when not known
 */
public record BenchReport(String app, String path, String mode, double seconds, List<BenchStep> steps, int hostCores) {
    /** Busy fraction of all cores from which a step counts as bound by the host. */
    public static final double HOST_BUSY = 0.9;

    public BenchReport {
        steps = List.copyOf(steps);
    }

    /** A report without host figures. */
    public BenchReport(String app, String path, String mode, double seconds, List<BenchStep> steps) {
        this(app, path, mode, seconds, steps, 0);
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

    /** Whether the machine's cores, not the formation, limited {@code step}. */
    public boolean hostBound(BenchStep step) {
        if (hostCores <= 0) {
            return false;
        }
        if (sharesFillHost(step)) {
            return true;
        }
        if (step.hostBusy() < HOST_BUSY) {
            return false;
        }
        // a saturated machine limits the dynos unless they still got their shares
        return step.cpuShareCores() <= 0 || step.dynoCores() < 0 || step.dynoCores() < 0.9 * step.cpuShareCores();
    }

    private boolean sharesFillHost(BenchStep step) {
        return step.cpuShareCores() > 0 && step.cpuShareCores() >= hostCores - 1e-9;
    }

    /** Whether the steps carry CPU figures (then the table shows them). */
    public boolean hasCpu() {
        return hostCores > 0 && steps.stream().anyMatch(s -> s.hostBusy() >= 0 || s.cpuShareCores() > 0 || s.dynoCores() >= 0);
    }

    /** One sentence on the steps where the host was the limit, and why, or that there were none; empty without CPU figures. */
    public String hostNote() {
        if (!hasCpu()) {
            return "";
        }
        List<String> bound = steps.stream().filter(this::hostBound).map(s -> "web=" + s.dynos() + " (" + why(s) + ")").toList();
        return bound.isEmpty()
                ? String.format(Locale.ROOT, "Host: %d cores. No step was bound by the host: "
                        + "the dynos' CPU shares stayed under the cores or the dynos got them.", hostCores)
                : String.format(Locale.ROOT, "Host: %d cores. Bound by the host, not the formation: %s.", hostCores,
                        String.join(", ", bound));
    }

    private String why(BenchStep s) {
        if (sharesFillHost(s)) {
            return String.format(Locale.ROOT, "the dynos' CPU shares add up to %s cores", cores(s.cpuShareCores()));
        }
        return String.format(Locale.ROOT, "the machine was %.0f%% busy%s", 100 * s.hostBusy(),
                s.cpuShareCores() > 0 && s.dynoCores() >= 0 ? String.format(Locale.ROOT,
                        " and the dynos got %s of their %s cores", cores(s.dynoCores()), cores(s.cpuShareCores())) : "");
    }

    /** The table printed at the end of {@code dyno bench}. */
    public String table() {
        StringBuilder out = new StringBuilder();
        boolean cpu = hasCpu();
        out.append(String.format(Locale.ROOT, "%-6s %10s %9s %9s %9s %9s %8s %11s",
                "dynos", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "efficiency"));
        out.append(cpu ? String.format(Locale.ROOT, " %10s %9s %9s %6s%n", "cpu share", "dyno cpu", "host cpu", "bound") : "\n");
        for (BenchStep s : steps) {
            out.append(String.format(Locale.ROOT, "%-6d %10.1f %9.1f %9.1f %9.1f %9.1f %8d %10.0f%%",
                    s.dynos(), s.throughput(), s.p50(), s.p95(), s.p99(), s.max(), s.errors(), 100 * efficiency(s)));
            out.append(cpu ? String.format(Locale.ROOT, " %10s %9s %9s %6s%n", s.cpuShareCores() > 0 ? cores(s.cpuShareCores()) : "-",
                    s.dynoCores() >= 0 ? cores(s.dynoCores()) : "-",
                    s.hostBusy() >= 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * s.hostBusy()) : "-",
                    hostBound(s) ? "host" : "dynos") : "\n");
        }
        if (cpu) {
            out.append(hostNote()).append('\n');
        }
        return out.toString();
    }

    /** The machine-readable form ({@code --json}). */
    public ObjectNode json() {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("app", app).put("path", path).put("mode", mode).put("seconds_per_step", seconds);
        if (hostCores > 0) {
            root.put("host_cores", hostCores);
        }
        ArrayNode list = root.putArray("steps");
        for (BenchStep s : steps) {
            ObjectNode o = list.addObject().put("dynos", s.dynos()).put("requests", s.requests()).put("errors", s.errors())
                    .put("requests_per_second", round(s.throughput())).put("p50_ms", round(s.p50()))
                    .put("p95_ms", round(s.p95())).put("p99_ms", round(s.p99())).put("max_ms", round(s.max()))
                    .put("efficiency", round(efficiency(s)));
            if (hasCpu()) {
                o.put("cpu_share_cores", round(s.cpuShareCores())).put("dyno_cpu_cores", round(s.dynoCores()))
                        .put("host_busy", round(s.hostBusy()))
                        .put("host_bound", hostBound(s));
            }
        }
        return root;
    }

    /** {@code 0.75} cores as {@code 0.75}, {@code 2.0} as {@code 2}. */
    static String cores(double c) {
        return java.math.BigDecimal.valueOf(Math.round(c * 100) / 100.0).stripTrailingZeros().toPlainString();
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }
}
