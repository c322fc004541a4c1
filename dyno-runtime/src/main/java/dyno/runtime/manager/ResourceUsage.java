package dyno.runtime.manager;

/**
 * What one running dyno uses at the last sample, against its size's limits.
 *
 * @param residentBytes  resident memory of its process tree
 * @param quotaBytes     its size's memory quota (R14 above it, R15 above twice it)
 * @param cpuCores       CPU used since the previous sample, in cores (0.5: half a core); -1 when not measured
 * @param cpuNanos       CPU time its current process tree used since it started; -1 when not measured
 * @param cpuLimitCores  CPU its cgroup may use, in cores; 0 when not limited
 * @param enforced       whether the kernel enforces its limits (a cgroup with CPU and memory limits)
 */
public record ResourceUsage(long residentBytes, long quotaBytes, double cpuCores, long cpuNanos, double cpuLimitCores,
                            boolean enforced) {
}
