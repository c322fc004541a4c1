package dyno.runtime.manager;

import dyno.runtime.process.Backoff;
import java.time.Duration;

/**
 * Timing and limits of the dyno manager, Heroku's values by default.
 *
 * @param memoryQuotaOverrideBytes when above 0, the quota of every size (for tests and small machines)
 * @param logLinesPerSecond        most output lines a dyno may log per second (bursts of one second's
 *                                 worth); the rest are dropped and counted in an L12 event. 0: no limit
 * @param cpuPer1x                 cores of CPU time a 1X share stands for where sizes are enforced by
 *                                 cgroups (Standard-2X twice that); 0: no CPU limit and no pinned cores
 */
public record ManagerSettings(Duration bootTimeout, Duration stopTimeout, Backoff backoff, Duration stableAfter,
                              Duration memorySampleInterval, Duration r14Interval, long memoryQuotaOverrideBytes,
                              Duration upProbeInterval, int logLinesPerSecond, double cpuPer1x) {
    /** Output lines per second and dyno kept by default. */
    public static final int DEFAULT_LOG_LINES_PER_SECOND = 2000;
    /** Cores of a 1X share by default: a quarter of a core, so four Standard-1X dynos fill one core. */
    public static final double DEFAULT_CPU_PER_1X = 0.25;

    public ManagerSettings {
        if (logLinesPerSecond < 0) {
            throw new IllegalArgumentException("logLinesPerSecond: " + logLinesPerSecond + " (expected: >= 0, 0 for no limit)");
        }
        if (!(cpuPer1x >= 0 && cpuPer1x <= 1024)) {
            throw new IllegalArgumentException("cpuPer1x: " + cpuPer1x + " (expected: 0..1024 cores, 0 for no CPU limit)");
        }
    }

    /** The settings with the default CPU share. */
    public ManagerSettings(Duration bootTimeout, Duration stopTimeout, Backoff backoff, Duration stableAfter,
                           Duration memorySampleInterval, Duration r14Interval, long memoryQuotaOverrideBytes,
                           Duration upProbeInterval, int logLinesPerSecond) {
        this(bootTimeout, stopTimeout, backoff, stableAfter, memorySampleInterval, r14Interval, memoryQuotaOverrideBytes,
                upProbeInterval, logLinesPerSecond, DEFAULT_CPU_PER_1X);
    }

    /** The settings with the default output rate limit. */
    public ManagerSettings(Duration bootTimeout, Duration stopTimeout, Backoff backoff, Duration stableAfter,
                           Duration memorySampleInterval, Duration r14Interval, long memoryQuotaOverrideBytes,
                           Duration upProbeInterval) {
        this(bootTimeout, stopTimeout, backoff, stableAfter, memorySampleInterval, r14Interval, memoryQuotaOverrideBytes,
                upProbeInterval, DEFAULT_LOG_LINES_PER_SECOND);
    }

    /** Boot 60 s, stop 30 s, cool-off 1 s doubling to 5 min, stable after 10 min, memory every 5 s, R14 every 20 s, 2000 log lines/s. */
    public static ManagerSettings defaults() {
        return new ManagerSettings(Duration.ofSeconds(60), Duration.ofSeconds(30), Backoff.DEFAULT,
                Duration.ofMinutes(10), Duration.ofSeconds(5), Duration.ofSeconds(20), 0, Duration.ofMillis(100));
    }

    public ManagerSettings withBootTimeout(Duration d) {
        return new ManagerSettings(d, stopTimeout, backoff, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval, logLinesPerSecond, cpuPer1x);
    }

    public ManagerSettings withStopTimeout(Duration d) {
        return new ManagerSettings(bootTimeout, d, backoff, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval, logLinesPerSecond, cpuPer1x);
    }

    public ManagerSettings withBackoff(Backoff b) {
        return new ManagerSettings(bootTimeout, stopTimeout, b, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval, logLinesPerSecond, cpuPer1x);
    }

    public ManagerSettings withMemory(Duration sampleInterval, long quotaOverrideBytes) {
        return new ManagerSettings(bootTimeout, stopTimeout, backoff, stableAfter, sampleInterval, r14Interval,
                quotaOverrideBytes, upProbeInterval, logLinesPerSecond, cpuPer1x);
    }

    /** Most output lines per second and dyno; 0 for no limit. */
    public ManagerSettings withLogRate(int linesPerSecond) {
        return new ManagerSettings(bootTimeout, stopTimeout, backoff, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval, linesPerSecond, cpuPer1x);
    }

    /** Cores of CPU time a 1X share stands for; 0 for no CPU limit. */
    public ManagerSettings withCpuPer1x(double cores) {
        return new ManagerSettings(bootTimeout, stopTimeout, backoff, stableAfter, memorySampleInterval, r14Interval,
                memoryQuotaOverrideBytes, upProbeInterval, logLinesPerSecond, cores);
    }
}
