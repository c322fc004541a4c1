package dyno.platform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The machine's CPU time from the {@code cpu} line of {@code /proc/stat}: how busy all its cores
 * were between two readings, the load generator and the router included.
 *
 * @param busyTicks  user, nice, system, irq, softirq and steal time of all cores
 * @param totalTicks the same plus idle and iowait
 */
public record HostCpu(long busyTicks, long totalTicks) {
    /** A reading now; empty where {@code /proc/stat} cannot be read. */
    public static Optional<HostCpu> read() {
        try {
            return Optional.of(parse(Files.readAllLines(Path.of("/proc/stat")).get(0)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static HostCpu parse(String cpuLine) {
        String[] f = cpuLine.trim().split("\\s+");
        if (!"cpu".equals(f[0])) {
            throw new IllegalArgumentException("/proc/stat: \"" + cpuLine + "\" (expected: the cpu line)");
        }
        long total = 0;
        long idle = 0;
        for (int i = 1; i < Math.min(f.length, 9); i++) { // guest time is already in user
            long v = Long.parseLong(f[i]);
            total += v;
            if (i == 4 || i == 5) {
                idle += v;
            }
        }
        return new HostCpu(total - idle, total);
    }

    /** The fraction (0..1) of all cores busy from {@code earlier} to this reading; -1 when no time passed. */
    public double busySince(HostCpu earlier) {
        long total = totalTicks - earlier.totalTicks;
        return total <= 0 ? -1 : (double) (busyTicks - earlier.busyTicks) / total;
    }
}
