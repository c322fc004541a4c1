package dyno.runtime.process;

/**
 * What the kernel enforces on one dyno's cgroup.
 *
 * @param cpuCores    CPU time per period, in cores (0.25: a quarter of one core); 0 for no limit
 * @param memoryBytes most memory its processes may use before the kernel's OOM killer ends one; 0 for no limit
 * @param cpus        the cores it is pinned to, in cpuset syntax ({@code 0-1}, {@code 2,3}); null for any core
 */
public record CgroupLimits(double cpuCores, long memoryBytes, String cpus) {
    /** CFS period: the quota is granted per 100 ms. */
    public static final long PERIOD_MICROS = 100_000;
    /** No limit at all: the cgroup only groups. */
    public static final CgroupLimits NONE = new CgroupLimits(0, 0, null);

    public CgroupLimits {
        if (!(cpuCores >= 0) || Double.isInfinite(cpuCores)) {
            throw new IllegalArgumentException("cpuCores: " + cpuCores + " (expected: >= 0, 0 for no limit)");
        }
        if (memoryBytes < 0) {
            throw new IllegalArgumentException("memoryBytes: " + memoryBytes + " (expected: >= 0, 0 for no limit)");
        }
        if (cpus != null && !cpus.matches("[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*")) {
            throw new IllegalArgumentException("cpus: \"" + cpus + "\" (expected: a cpuset list such as 0-1 or 0,2)");
        }
    }

    /** The CFS quota per {@link #PERIOD_MICROS}, at least the kernel's minimum of 1 ms; 0 when unlimited. */
    public long quotaMicros() {
        return cpuCores == 0 ? 0 : Math.max(1000, Math.round(cpuCores * PERIOD_MICROS));
    }
}
