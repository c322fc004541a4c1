package dyno.platform.bench;

import org.HdrHistogram.Histogram;

/** What one load phase measured: counts and a latency histogram in microseconds. */
public record LoadResult(long requests, long errors, double seconds, Histogram latencyMicros) {

    /** Successful and failed requests per second. */
    public double throughput() {
        return seconds <= 0 ? 0 : requests / seconds;
    }

    /** Latency at {@code percentile} (0..100) in milliseconds. */
    public double latencyMs(double percentile) {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Highest latency in milliseconds. */
    public double maxMs() {
        return latencyMicros.getTotalCount() == 0 ? 0 : latencyMicros.getMaxValue() / 1000.0;
    }
}
