package dyno.runtime.process;

import dyno.runtime.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the processes of every running dyno under {@code .dyno/pids/}, so that a manager started
 * after one that was killed can end the leftovers. A file holds {@code sid SID}, then {@code cgroup PATH}
 * per directory when the dyno has a cgroup of its own (v1: one per controller), and then one {@link ProcessId} per line ({@code pid starttime bootid}): only a process that still has that
 * start time, in the same boot, or that is proven part of the tree through one, is ever signalled.
 */
public final class PidRegistry {
    private static final Logger logger = LoggerFactory.getLogger(PidRegistry.class);
    private final Path dir;

    public PidRegistry(Path dir) {
        this.dir = dir;
    }

    /** Records the processes now known to make up {@code dyno}. */
    public void record(String dyno, ProcessTree tree) {
        StringBuilder content = new StringBuilder("sid ").append(tree.sid()).append('\n');
        tree.cgroup().ifPresent(c -> c.dirs().forEach(dir -> content.append("cgroup ").append(dir).append('\n')));
        tree.known().forEach(id -> content.append(id).append('\n'));
        try {
            AtomicFile.write(dir.resolve(dyno + ".pid"), content.toString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            logger.warn("cannot record pid of {}", dyno, e);
        }
    }

    /** Forgets {@code dyno}. */
    public void forget(String dyno) {
        try {
            Files.deleteIfExists(dir.resolve(dyno + ".pid"));
        } catch (IOException e) {
            logger.warn("cannot remove pid file of {}", dyno, e);
        }
    }

    /**
     * Kills (SIGKILL) every recorded process tree whose identity still holds, and clears the
     * records. Returns the names of the dynos whose processes were ended.
     */
    public List<String> killLeftovers() {
        List<String> killed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return killed;
        }
        List<Cgroup> cgroups = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\+?\\.pid$", ""); // web.1+: a preboot run of web.1
                try {
                    ProcessTree tree = read(file);
                    if (tree.signal(true) > 0) {
                        killed.add(name);
                    }
                    tree.cgroup().ifPresent(cgroups::add);
                } catch (IOException | RuntimeException e) {
                    logger.warn("ignoring unreadable pid file {}", file, e);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            logger.warn("cannot read {}", dir, e);
        }
        // the killed processes' cgroups, once their parents (init, most often) have reaped them
        for (int attempt = 0; attempt < 40 && !cgroups.isEmpty(); attempt++) {
            cgroups.removeIf(Cgroup::remove);
            if (!cgroups.isEmpty()) {
                try {
                    Thread.sleep(25);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        cgroups.forEach(c -> logger.warn("cgroup {} of a previous run still has processes; not removed", c.dir()));
        // temp files of a record being written when the manager was killed
        try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ".*.pid.*.tmp")) {
            for (Path temp : temps) {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            logger.warn("cannot clean {}", dir, e);
        }
        return killed;
    }

    static ProcessTree read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).startsWith("sid ")) {
            throw new IllegalArgumentException(file + ": first line \"" + (lines.isEmpty() ? "" : lines.get(0))
                    + "\" (expected: sid SID)");
        }
        long sid = Long.parseLong(lines.get(0).substring(4).trim());
        List<ProcessId> known = new ArrayList<>();
        List<Path> cgroup = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            if (line.startsWith("cgroup ")) {
                cgroup.add(Path.of(line.substring(7).trim()));
            } else if (!line.isBlank()) {
                known.add(ProcessId.parse(line));
            }
        }
        ProcessTree tree = new ProcessTree(sid, known);
        if (!cgroup.isEmpty()) {
            tree.cgroup(Cgroup.at(cgroup));
        }
        return tree;
    }
}
