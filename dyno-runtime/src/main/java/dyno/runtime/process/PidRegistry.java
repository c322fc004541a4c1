package dyno.runtime.process;

import dyno.runtime.io.AtomicFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the process group of every running dyno under {@code .dyno/pids/}, so that a manager
 * started after one that was killed can end the leftovers. Each file holds {@code pgid starttime}.
 */
public final class PidRegistry {
    private static final Logger logger = LoggerFactory.getLogger(PidRegistry.class);
    private final Path dir;

    public PidRegistry(Path dir) {
        this.dir = dir;
    }

    /** Records that {@code dyno} runs as group {@code pgid}. */
    public void record(String dyno, long pgid) {
        OptionalLong start = ProcessTree.startTime(pgid);
        String content = pgid + " " + (start.isPresent() ? start.getAsLong() : -1) + "\n";
        try {
            AtomicFile.write(dir.resolve(dyno + ".pid"), content.getBytes(StandardCharsets.UTF_8));
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
     * Kills (SIGKILL) every recorded group that is still the process it was, and clears the
     * records. Returns the names of the dynos whose processes were ended.
     */
    public List<String> killLeftovers() {
        List<String> killed = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return killed;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
            for (Path file : files) {
                String name = file.getFileName().toString().replaceFirst("\\.pid$", "");
                try {
                    String[] parts = Files.readString(file).trim().split(" ");
                    long pgid = Long.parseLong(parts[0]);
                    long start = Long.parseLong(parts[1]);
                    OptionalLong now = ProcessTree.startTime(pgid);
                    // A pid is not reused while a process group still carries it, so a live pid with
                    // another start time means the dyno's group is gone and the pid is a stranger's.
                    boolean leftover = now.isPresent()
                            ? start < 0 || now.getAsLong() == start
                            : !ProcessTree.members(pgid).isEmpty();
                    if (leftover) {
                        ProcessTree.signal(pgid, "KILL");
                        killed.add(name);
                    }
                } catch (IOException | RuntimeException e) {
                    logger.warn("ignoring unreadable pid file {}", file, e);
                }
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            logger.warn("cannot read {}", dir, e);
        }
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
}
