package dyno.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;

/** The control files of one dyno cgroup: writing limits, reading what was used. */
final class CgroupFiles {
    private CgroupFiles() {
    }

    /** v2: {@code cpu.max}, {@code memory.max}, {@code cpuset.cpus} (when {@code cpuset} is enabled). */
    static void applyV2(Path dir, CgroupLimits limits, boolean cpuset) throws IOException {
        if (limits.cpuCores() > 0) {
            write(dir, "cpu.max", limits.quotaMicros() + " " + CgroupLimits.PERIOD_MICROS);
        }
        if (limits.memoryBytes() > 0) {
            write(dir, "memory.max", Long.toString(limits.memoryBytes()));
        }
        if (limits.cpus() != null && cpuset) {
            write(dir, "cpuset.cpus", limits.cpus());
        }
    }

    /** v1: the limit of {@code controller} in its own hierarchy. */
    static void applyV1(String controller, Path dir, CgroupLimits limits) throws IOException {
        switch (controller) {
            case "cpu" -> {
                write(dir, "cpu.cfs_period_us", Long.toString(CgroupLimits.PERIOD_MICROS));
                write(dir, "cpu.cfs_quota_us", Long.toString(limits.quotaMicros()));
            }
            case "memory" -> {
                if (limits.memoryBytes() > 0) {
                    write(dir, "memory.limit_in_bytes", Long.toString(limits.memoryBytes()));
                }
            }
            case "cpuset" -> {
                // a v1 cpuset takes no process before it has both cores and memory nodes
                write(dir, "cpuset.cpus", limits.cpus());
                write(dir, "cpuset.mems", Files.readString(dir.getParent().resolve("cpuset.mems")).trim());
            }
            default -> {
                // cpuacct: accounting only
            }
        }
    }

    /** CPU time used by the processes of the cgroup at {@code dir} (v2 {@code cpu.stat}, v1 {@code cpuacct.usage}). */
    static OptionalLong cpuNanos(Path dir) {
        OptionalLong usec = field(dir.resolve("cpu.stat"), "usage_usec");
        if (usec.isPresent()) {
            return OptionalLong.of(usec.getAsLong() * 1000);
        }
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(dir.resolve("cpuacct.usage")).trim()));
        } catch (IOException | NumberFormatException none) {
            return OptionalLong.empty();
        }
    }

    /** Processes of the cgroup killed by the kernel's OOM killer (v2 {@code memory.events}, v1 {@code memory.oom_control}). */
    static OptionalLong oomKills(Path dir) {
        OptionalLong v2 = field(dir.resolve("memory.events"), "oom_kill");
        return v2.isPresent() ? v2 : field(dir.resolve("memory.oom_control"), "oom_kill");
    }

    /** The value of {@code key} in a flat-keyed file ({@code key value} lines). */
    private static OptionalLong field(Path file, String key) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.US_ASCII);
            for (String line : lines) {
                if (line.startsWith(key + " ")) {
                    return OptionalLong.of(Long.parseLong(line.substring(key.length() + 1).trim()));
                }
            }
        } catch (IOException | NumberFormatException none) {
            // no such file here: another version or controller
        }
        return OptionalLong.empty();
    }

    private static void write(Path dir, String file, String value) throws IOException {
        Files.writeString(dir.resolve(file), value);
    }
}
