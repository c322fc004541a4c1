package dyno.runtime.manager;

import dyno.runtime.process.Backoff;
import java.time.Duration;

/**
 * Timing and limits of the dyno manager, Heroku's values by default.
 *
 * @param memoryQuotaOverrideBytes when above 0, the quota of every size (for tests and small machines)
 */
public record ManagerSettings(Duration bootTimeout, Duration stopTimeout, Backoff backoff, Duration stableAfter,
                              Duration memorySampleInterval, Duration r14Interval, long memoryQuotaOverrideBytes,
                              Duration upProbeInterval) {

    /** Boot 60 s, stop 30 s, cool-off 1 s doubling to 5 min, stable after 10 min, memory every 5 s, R14 every 20 s. */
    public static ManagerSettings defaults() {
        return new ManagerSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), Backoff.DEFAULT,
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(20), 0, Duration.ofMillis(100));
    }

    public ManagerSettings withBootTimeout(Duration d) {
        return new ManagerSettings(d, stopTimeout, backoff, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval);
    }

    public ManagerSettings withStopTimeout(Duration d) {
        return new ManagerSettings(bootTimeout, d, backoff, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval);
    }

    public ManagerSettings withBackoff(Backoff b) {
        return new ManagerSettings(bootTimeout, stopTimeout, b, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval);
    }

    public ManagerSettings withMemory(Duration sampleInterval, long quotaOverrideBytes) {
        return new ManagerSettings(bootTimeout, stopTimeout, backoff, stableAfter, sampleInterval, r14Interval,
                quotaOverrideBytes, upProbeInterval);
    }
}
