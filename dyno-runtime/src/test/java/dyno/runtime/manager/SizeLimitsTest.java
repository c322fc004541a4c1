package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.runtime.app.ProcessType;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.process.CgroupLimits;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SizeLimitsTest {
    private final MemoryWatch memory = new MemoryWatch(ManagerSettings.defaults());

    @Test
    void sharedSizesGetTheirSharesAndTwiceTheirQuota() {
        SizeLimits limits = new SizeLimits(0.25, 2, true, memory);
        assertThat(limits.acquire(dyno("web", 1), DynoSize.STANDARD_1X)).isEqualTo(new CgroupLimits(0.25, 1024L << 20, null));
        assertThat(limits.acquire(dyno("web", 2), DynoSize.STANDARD_2X)).isEqualTo(new CgroupLimits(0.5, 2048L << 20, null));
        // never more than the machine has
        assertThat(new SizeLimits(1.5, 2, true, memory).cpuCores(DynoSize.STANDARD_2X)).isEqualTo(2.0);
    }

    @Test
    void performanceSizesArePinnedToTheLeastUsedCoresAndGiveThemBack() {
        SizeLimits limits = new SizeLimits(0.25, 4, true, memory);
        Dyno a = dyno("web", 1);
        Dyno b = dyno("web", 2);
        Dyno c = dyno("web", 3);
        assertThat(limits.acquire(a, DynoSize.PERFORMANCE_M).cpus()).isEqualTo("0,1");
        assertThat(limits.acquire(b, DynoSize.PERFORMANCE_M).cpus()).isEqualTo("2,3");
        limits.release(a);
        assertThat(limits.acquire(c, DynoSize.PERFORMANCE_M).cpus()).isEqualTo("0,1");
        // Performance-L wants 8: capped at the 4 there are, shared with the pinned ones
        CgroupLimits l = limits.acquire(dyno("worker", 1), DynoSize.PERFORMANCE_L);
        assertThat(l.cpus()).isEqualTo("0,1,2,3");
        assertThat(l.cpuCores()).isEqualTo(4.0);
    }

    @Test
    void noCpuShareMeansNoCpuLimitAndNoPinning() {
        SizeLimits limits = new SizeLimits(0, 2, true, memory);
        assertThat(limits.acquire(dyno("web", 1), DynoSize.PERFORMANCE_M)).isEqualTo(new CgroupLimits(0, 5120L << 20, null));
        assertThat(new SizeLimits(0.25, 2, false, memory).acquire(dyno("web", 1), DynoSize.PERFORMANCE_M).cpus()).isNull();
    }

    @Test
    void upSaysOnceWhySizesAreNotEnforced() {
        SizeLimits limits = new SizeLimits(0.25, 2, false, memory);
        assertThat(SizeEnforcement.describe(java.util.Optional.empty(), 0.25, limits)).isEqualTo(
                "Sizes not enforced by the kernel: no writable cgroup (run as root, or in a delegated cgroup v2);"
                        + " memory is sampled for R14/R15, CPU is not limited");
    }

    private static Dyno dyno(String type, int index) {
        return new Dyno(new ProcessType(type, "sleep 1"), index, DynoSize.STANDARD_1X, Instant.EPOCH,
                new OutputLimiter(0, 0));
    }
}
