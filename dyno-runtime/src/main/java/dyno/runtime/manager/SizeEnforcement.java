package dyno.runtime.manager;

import dyno.runtime.formation.DynoSize;
import dyno.runtime.process.CgroupHierarchy;
import java.math.BigDecimal;
import java.util.Optional;

/** The one line {@code up} logs on how dyno sizes are enforced here, or why they are not. */
final class SizeEnforcement {
    private SizeEnforcement() {
    }

    static String describe(Optional<CgroupHierarchy> cgroups, double cpuPer1x, SizeLimits limits) {
        if (cgroups.isEmpty() || !cgroups.get().enforces()) {
            return "Sizes not enforced by the kernel: "
                    + cgroups.map(h -> "no cpu and memory controllers in " + h.describe())
                            .orElse("no writable cgroup (run as root, or in a delegated cgroup v2)")
                    + "; memory is sampled for R14/R15, CPU is not limited";
        }
        String cpu = cpuPer1x == 0 ? "CPU not limited (--cpu-per-1x 0)"
                : "CPU Standard-1X " + cores(limits.cpuCores(DynoSize.STANDARD_1X)) + ", Standard-2X "
                        + cores(limits.cpuCores(DynoSize.STANDARD_2X)) + ", Performance-M "
                        + cores(limits.cpuCores(DynoSize.PERFORMANCE_M))
                        + (cgroups.get().pins() ? " pinned" : "") + ", Performance-L "
                        + cores(limits.cpuCores(DynoSize.PERFORMANCE_L)) + (cgroups.get().pins() ? " pinned" : "");
        return "Sizes enforced by " + cgroups.get().describe() + ": " + cpu
                + "; memory up to twice the quota, then the kernel's OOM kill is R15";
    }

    private static String cores(double c) {
        return BigDecimal.valueOf(c).stripTrailingZeros().toPlainString() + (c == 1 ? " core" : " cores");
    }
}
