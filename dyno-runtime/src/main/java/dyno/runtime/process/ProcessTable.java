package dyno.runtime.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every process on the machine as {@code /proc} showed it at one moment: read once per tick and
 * shared by all dynos, so sampling costs one scan of {@code /proc} however many dynos there are.
 */
public final class ProcessTable {
    private static final Logger logger = LoggerFactory.getLogger(ProcessTable.class);
    private static final Path PROC = Path.of("/proc");
    /** Bytes per page of the rss field; 4 KiB on the platforms Dyno runs on. */
    static final long PAGE_SIZE = 4096;

    /**
     * One line of {@code /proc/PID/stat}: state (field 3), parent (4), group (5), session (6),
     * start time in clock ticks since boot (22), resident pages (24).
     */
    public record Entry(long pid, char state, long ppid, long pgrp, long sid, long startTicks, long rssPages) {
        /** A zombie or a dead process: it holds no memory and cannot be signalled. */
        public boolean dead() {
            return state == 'Z' || state == 'X' || state == 'x';
        }

        public long residentBytes() {
            return rssPages * PAGE_SIZE;
        }
    }

    private final Map<Long, Entry> byPid;
    private final Map<Long, List<Entry>> bySession = new HashMap<>();
    private final Map<Long, List<Entry>> byParent = new HashMap<>();

    ProcessTable(List<Entry> entries) {
        byPid = new HashMap<>(entries.size() * 2);
        for (Entry e : entries) {
            byPid.put(e.pid(), e);
            bySession.computeIfAbsent(e.sid(), s -> new ArrayList<>(4)).add(e);
            byParent.computeIfAbsent(e.ppid(), s -> new ArrayList<>(4)).add(e);
        }
    }

    /** Reads {@code /proc} once. */
    public static ProcessTable read() {
        List<Entry> entries = new ArrayList<>(512);
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.isEmpty() && Character.isDigit(name.charAt(0))) {
                    readEntry(Long.parseLong(name)).ifPresent(entries::add);
                }
            }
        } catch (IOException | NumberFormatException e) {
            logger.warn("cannot list /proc", e);
        }
        return new ProcessTable(entries);
    }

    /** The stat line of one process, read now; empty when it is gone (or reaped). */
    public static Optional<Entry> readEntry(long pid) {
        try {
            return Optional.of(parse(pid, Files.readString(PROC.resolve(Long.toString(pid)).resolve("stat"),
                    StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Entry parse(long pid, String stat) {
        // the command name (field 2) may hold spaces and parentheses: the fields start after the last ')'
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new Entry(pid, f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]),
                Long.parseLong(f[22 - 3]), Long.parseLong(f[24 - 3]));
    }

    /** The process {@code pid} was at the time of the scan, or null. */
    public Entry get(long pid) {
        return byPid.get(pid);
    }

    /** Processes whose session id is {@code sid}. */
    public List<Entry> inSession(long sid) {
        return bySession.getOrDefault(sid, List.of());
    }

    /** Processes whose parent is {@code pid}. */
    public List<Entry> children(long pid) {
        return byParent.getOrDefault(pid, List.of());
    }

    /** How many processes the scan found. */
    public int size() {
        return byPid.size();
    }
}
