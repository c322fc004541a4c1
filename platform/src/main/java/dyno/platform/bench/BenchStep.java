package dyno.platform.bench;

/** One step of a sweep: the web dynos it ran and what the load measured, latency in ms. */
public record BenchStep(int dynos, long requests, long errors, double throughput,
                        double p50, double p95, double p99, double max) {

    /** The numbers of {@code result} at {@code dynos} web dynos. */
    public static BenchStep of(int dynos, LoadResult result) {
        return new BenchStep(dynos, result.requests(), result.errors(), result.throughput(),
                result.latencyMs(50), result.latencyMs(95), result.latencyMs(99), result.maxMs());
    }
}
