package dyno.runtime.manager;

import dyno.runtime.formation.DynoSize;
import dyno.runtime.process.CgroupLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The kernel limits of each dyno's cgroup, from its size: a CPU quota of its share (or its
 * dedicated cores), memory up to twice its quota (where Heroku's R15 kills), and, for Performance
 * sizes where cores can be pinned, the cores least used by other pinned dynos. Manager thread only.
 */
final class SizeLimits {
    private final double cpuPer1x;
    private final int machineCores;
    private final boolean pinning;
    private final MemoryWatch memory;
    /** Pinned dynos per core. */
    private final int[] pinned;
    /** The cores each pinned run holds, by run. */
    private final Map<Dyno, int[]> held = new HashMap<>();

    SizeLimits(double cpuPer1x, int machineCores, boolean pinning, MemoryWatch memory) {
        this.cpuPer1x = cpuPer1x;
        this.machineCores = Math.max(1, machineCores);
        this.pinning = pinning;
        this.memory = memory;
        this.pinned = new int[this.machineCores];
    }

    /** CPU cores the size of {@code d} may use; 0 for no limit. */
    double cpuCores(DynoSize size) {
        return cpuPer1x == 0 ? 0 : size.cpuCores(cpuPer1x, machineCores);
    }

    /** The limits for a new run of {@code d}; pins its cores when its size has dedicated ones. */
    CgroupLimits acquire(Dyno d, DynoSize size) {
        release(d);
        String cpus = null;
        if (pinning && cpuPer1x > 0 && size.dedicatedCores() > 0) {
            int[] cores = leastUsed(Math.min(size.dedicatedCores(), machineCores));
            held.put(d, cores);
            StringJoiner list = new StringJoiner(",");
            for (int c : cores) {
                pinned[c]++;
                list.add(Integer.toString(c));
            }
            cpus = list.toString();
        }
        return new CgroupLimits(cpuCores(size), 2 * memory.quota(size), cpus);
    }

    /** Frees the cores {@code d}'s run was pinned to. */
    void release(Dyno d) {
        int[] cores = held.remove(d);
        if (cores != null) {
            for (int c : cores) {
                pinned[c]--;
            }
        }
    }

    /** The {@code n} cores with the fewest pinned dynos, lowest index first among equals, in index order. */
    private int[] leastUsed(int n) {
        Integer[] order = new Integer[machineCores];
        for (int i = 0; i < machineCores; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, (a, b) -> pinned[a] != pinned[b] ? Integer.compare(pinned[a], pinned[b]) : Integer.compare(a, b));
        int[] cores = new int[n];
        for (int i = 0; i < n; i++) {
            cores[i] = order[i];
        }
        java.util.Arrays.sort(cores);
        return cores;
    }
}
