package dyno.platform.bench;

import java.net.URI;
import java.time.Duration;

/**
 * How to drive one load phase: closed loop with {@code concurrency} connections each sending
 * back to back, or open loop at {@code rate} requests/s (then {@code concurrency} caps the
 * connections in flight).
 *
 * @param target where requests go: its scheme, host and port (and, without a {@code mix}, its path)
 * @param rate requests per second for an open loop, 0 for a closed loop
 * @param mix  method, headers, body and weighted paths of the requests
 */
public record LoadPlan(URI target, Duration duration, int concurrency, double rate, RequestMix mix) {
    /** GETs of {@code target}. */
    public LoadPlan(URI target, Duration duration, int concurrency, double rate) {
        this(target, duration, concurrency, rate, RequestMix.get(target.getRawPath().isEmpty() ? "/"
                : target.getRawPath() + (target.getRawQuery() == null ? "" : "?" + target.getRawQuery())));
    }

    public LoadPlan {
        java.util.Objects.requireNonNull(mix, "mix");
        if (!"127.0.0.1".equals(target.getHost()) && !"localhost".equals(target.getHost()) && !"[::1]".equals(target.getHost())) {
            throw new IllegalArgumentException("target: " + target + " (expected: a loopback address)");
        }
        if (concurrency < 1 || concurrency > 4096) {
            throw new IllegalArgumentException("concurrency: " + concurrency + " (expected: 1..4096)");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
        }
        if (duration.isNegative() || duration.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("duration: " + duration + " (expected: up to 1h)");
        }
    }

    /** Whether requests are scheduled at fixed intervals (latency from the intended send time). */
    public boolean openLoop() {
        return rate > 0;
    }
}
