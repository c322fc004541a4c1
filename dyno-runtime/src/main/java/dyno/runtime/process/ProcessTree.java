package dyno.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one dyno: its process group (each dyno is started in a session of its own)
 * plus any descendant that left the group. Reads {@code /proc}; signals with {@code kill}.
 */
public final class ProcessTree {
    private static final Logger logger = LoggerFactory.getLogger(ProcessTree.class);
    private static final Path PROC = Path.of("/proc");
    private static final long PAGE_SIZE = 4096;
    // indexes into the fields of /proc/PID/stat after the command name (field 3 is index 0)
    private static final int STATE = 0;
    private static final int PGRP = 5 - 3;
    private static final int STARTTIME = 22 - 3;

    private ProcessTree() {
    }

    /**
     * Every live pid in process group {@code pgid}, plus descendants of {@code pgid}. Zombies are
     * left out: they cannot be signalled, hold no memory, and under a PID 1 that does not reap
     * orphans (many containers) they would never go away.
     */
    public static Set<Long> members(long pgid) {
        Set<Long> pids = new LinkedHashSet<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
            for (Path dir : dirs) {
                long pid = Long.parseLong(dir.getFileName().toString());
                String[] stat = stat(pid);
                if (stat != null && !dead(stat) && Long.parseLong(stat[PGRP]) == pgid) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            logger.debug("cannot list /proc", e);
        }
        ProcessHandle.of(pgid).ifPresent(h -> h.descendants().filter(d -> alive(d.pid())).forEach(d -> pids.add(d.pid())));
        return pids;
    }

    /** Sends {@code signal} (e.g. TERM, KILL) to every process of the tree rooted at group {@code pgid}. */
    public static void signal(long pgid, String signal) {
        Set<Long> pids = members(pgid);
        if (pids.isEmpty()) {
            return;
        }
        String[] cmd = new String[pids.size() + 3];
        cmd[0] = "kill";
        cmd[1] = "-" + signal;
        cmd[2] = "--";
        int i = 3;
        for (long pid : pids) {
            cmd[i++] = Long.toString(pid);
        }
        try {
            Process kill = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            logger.warn("cannot run kill -{} for group {}", signal, pgid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Resident memory of the whole tree, in bytes. */
    public static long residentBytes(long pgid) {
        long total = 0;
        for (long pid : members(pgid)) {
            try {
                String[] statm = Files.readString(PROC.resolve(pid + "/statm")).trim().split(" ");
                total += Long.parseLong(statm[1]) * PAGE_SIZE;
            } catch (IOException | RuntimeException e) {
                // the process exited between listing and reading
            }
        }
        return total;
    }

    /** The kernel start time of {@code pid} (clock ticks since boot), to tell a reused pid apart. */
    public static OptionalLong startTime(long pid) {
        String[] stat = stat(pid);
        return stat == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(stat[STARTTIME]));
    }

    /** Whether {@code pid} is alive and not a zombie. */
    public static boolean alive(long pid) {
        String[] stat = stat(pid);
        return stat != null && !dead(stat);
    }

    private static boolean dead(String[] stat) {
        return "Z".equals(stat[STATE]) || "X".equals(stat[STATE]) || "x".equals(stat[STATE]);
    }

    /** Fields of /proc/PID/stat after the command name: index 0 is the state (field 3). */
    private static String[] stat(long pid) {
        try {
            String s = Files.readString(PROC.resolve(pid + "/stat"), StandardCharsets.UTF_8);
            int close = s.lastIndexOf(')');
            return s.substring(close + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
