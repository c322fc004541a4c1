package dyno.runtime.process;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process by something that is never reused: its pid, its start time (clock ticks since boot,
 * field 22 of {@code /proc/PID/stat}) and the boot it started in ({@code /proc/sys/kernel/random/boot_id}).
 * A pid alone is not an identity: once its process is reaped the number goes to the next process.
 */
public record ProcessId(long pid, long startTicks, String bootId) {
    private static final Logger logger = LoggerFactory.getLogger(ProcessId.class);
    private static final String BOOT_ID = readBootId();

    public ProcessId {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid: " + pid + " (expected: > 0)");
        }
        if (startTicks < 0) {
            throw new IllegalArgumentException("startTicks: " + startTicks + " (expected: >= 0)");
        }
        requireNonNull(bootId, "bootId");
        if (bootId.isEmpty() || bootId.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("bootId: \"" + bootId + "\" (expected: a boot id without spaces)");
        }
    }

    /** The identity of the live process {@code pid} now; empty when there is none (or it was reaped). */
    public static Optional<ProcessId> of(long pid) {
        return ProcessTable.readEntry(pid).map(ProcessId::of);
    }

    /** The identity of the process in {@code entry}, in this boot. */
    public static ProcessId of(ProcessTable.Entry entry) {
        return new ProcessId(entry.pid(), entry.startTicks(), BOOT_ID);
    }

    /** This machine's boot id. */
    public static String currentBootId() {
        return BOOT_ID;
    }

    /** Parses {@link #toString()}: {@code PID STARTTICKS BOOTID}. */
    public static ProcessId parse(String text) {
        String[] parts = text.trim().split(" ");
        if (parts.length != 3) {
            throw new IllegalArgumentException("process id: \"" + text + "\" (expected: PID STARTTICKS BOOTID)");
        }
        return new ProcessId(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
    }

    /** Whether {@code entry} (from a scan) is this very process. */
    public boolean matches(ProcessTable.Entry entry) {
        return entry != null && entry.pid() == pid && entry.startTicks() == startTicks && bootId.equals(BOOT_ID);
    }

    /** Whether this very process is alive now (zombies included). */
    public boolean isLive() {
        return bootId.equals(BOOT_ID) && ProcessTable.readEntry(pid).map(this::matches).orElse(false);
    }

    /**
     * Sends SIGTERM, or SIGKILL when {@code kill}, to this process only if it is still this process.
     * Returns whether a signal was sent.
     */
    public boolean signal(boolean kill) {
        if (pid == ProcessHandle.current().pid()) {
            return false;
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        // The handle was taken before this check: if the pid is still ours now, it was ours then.
        // The JDK compares the handle's start time again right before kill(2).
        if (handle.isEmpty() || !isLive()) {
            return false;
        }
        return kill ? handle.get().destroyForcibly() : handle.get().destroy();
    }

    @Override
    public String toString() {
        return pid + " " + startTicks + " " + bootId;
    }

    private static String readBootId() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/random/boot_id")).trim();
        } catch (IOException e) {
            // no boot id: records of this run are never trusted by a later one
            logger.warn("cannot read /proc/sys/kernel/random/boot_id; leftovers of a killed run will not be ended", e);
            return "unknown-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        }
    }
}
