package dyno.platform.bench;

/**
 * One step of a sweep: the web dynos it ran and what the load measured, latency in ms.
 *
 * @param cpuShareCores the web dynos' CPU limits added up, in cores; 0 when not limited (or not known)
 * @param dynoCores     the CPU the web dynos used during the step, in cores; -1 when not measured
 * @param hostBusy      the fraction of the machine's cores busy during the step (0..1); -1 when not measured
 */
public record BenchStep(int dynos, long requests, long errors, double throughput,
                        double p50, double p95, double p99, double max, double cpuShareCores, double dynoCores,
                        double hostBusy) {

    /** A step without CPU figures. */
    public BenchStep(int dynos, long requests, long errors, double throughput, double p50, double p95, double p99, double max) {
        this(dynos, requests, errors, throughput, p50, p95, p99, max, 0, -1, -1);
    }

    /** The numbers of {@code result} at {@code dynos} web dynos. */
    public static BenchStep of(int dynos, LoadResult result) {
        return new BenchStep(dynos, result.requests(), result.errors(), result.throughput(),
                result.latencyMs(50), result.latencyMs(95), result.latencyMs(99), result.maxMs());
    }

    /** This step with the dynos' CPU limits, the CPU they used and how busy the machine was. */
    public BenchStep withCpu(double cpuShareCores, double dynoCores, double hostBusy) {
        return new BenchStep(dynos, requests, errors, throughput, p50, p95, p99, max, cpuShareCores, dynoCores, hostBusy);
    }
}
