package dyno.platform.daemon;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's log file, {@code .dyno/log}: created 0600, rotated by size to {@code log.1} ..
 * {@code log.KEEP} (the oldest dropped), and never fatal: a failed write (a full disk) is reported
 * once, the lines meanwhile are not written, and the file is opened again at most once a second
 * until it works, which is reported too. Used by one thread, the log writer.
 */
final class LogFile implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(LogFile.class);
    /** 10 MiB a file. */
    static final long DEFAULT_MAX_BYTES = 10L * 1024 * 1024;
    /** {@code log.1} .. {@code log.5} besides {@code log}. */
    static final int DEFAULT_KEEP = 5;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Path file;
    private final long maxBytes;
    private final int keep;
    private final Consumer<String> report;
    private BufferedWriter out;
    private long size;
    /** Since the last failure was reported, until a flush works again. */
    private boolean broken;
    /** When the last failure or failed reopen happened (System.nanoTime). */
    private long failedAt;
    /** Lines dropped while the file could not even be opened (buffered ones lost on a failed flush come on top). */
    private long unwritten;

    /**
     * @param report told (once per failure and once on recovery) what happened, in a sentence
     */
    LogFile(Path file, long maxBytes, int keep, Consumer<String> report) {
        if (maxBytes < 1024) {
            throw new IllegalArgumentException("maxBytes: " + maxBytes + " (expected: >= 1024)");
        }
        if (keep < 0 || keep > 100) {
            throw new IllegalArgumentException("keep: " + keep + " (expected: 0..100)");
        }
        this.file = file;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.report = report;
        try {
            open();
        } catch (IOException e) {
            failed(e);
        }
    }

    /** Appends one line (a newline is added); never throws. */
    void append(String line) {
        if (out == null && !reopenIfDue()) {
            unwritten++;
            return;
        }
        int bytes = line.getBytes(StandardCharsets.UTF_8).length + 1;
        try {
            if (size > 0 && size + bytes > maxBytes) {
                rotate();
            }
            out.write(line);
            out.newLine();
            size += bytes;
        } catch (IOException e) {
            unwritten++;
            failed(e);
        }
    }

    /** Writes what is buffered; never throws. */
    void flush() {
        if (out == null) {
            reopenIfDue();
            return;
        }
        try {
            out.flush();
        } catch (IOException e) {
            failed(e);
            return;
        }
        if (broken) {
            broken = false;
            logger.info("writing {} again; at least {} lines were not written to it", file, unwritten);
            report.accept("Writing " + file + " again; at least " + unwritten + " lines were not written to it");
            unwritten = 0;
        }
    }

    @Override
    public void close() {
        flush();
        closeQuietly();
    }

    private void open() throws IOException {
        Files.createDirectories(file.getParent());
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        } catch (FileAlreadyExistsException exists) {
            // an earlier version created it with the umask's mode; never chmod what a link points to
            if (Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                Files.setPosixFilePermissions(file, OWNER_ONLY);
            }
        }
        out = new BufferedWriter(new OutputStreamWriter(Files.newOutputStream(file, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND), StandardCharsets.UTF_8));
        size = Files.isRegularFile(file) ? Files.size(file) : 0;
    }

    private void rotate() throws IOException {
        out.flush();
        closeQuietly();
        if (keep == 0) {
            Files.deleteIfExists(file);
        } else {
            Files.deleteIfExists(rotated(keep));
            for (int i = keep - 1; i >= 1; i--) {
                if (Files.exists(rotated(i), LinkOption.NOFOLLOW_LINKS)) {
                    Files.move(rotated(i), rotated(i + 1), StandardCopyOption.ATOMIC_MOVE);
                }
            }
            Files.move(file, rotated(1), StandardCopyOption.ATOMIC_MOVE);
        }
        open();
    }

    private Path rotated(int n) {
        return file.resolveSibling(file.getFileName() + "." + n);
    }

    private boolean reopenIfDue() {
        if (System.nanoTime() - failedAt < RETRY_NANOS) {
            return false;
        }
        try {
            open();
        } catch (IOException e) {
            closeQuietly();
            failedAt = System.nanoTime();
            return false;
        }
        return true; // recovered once a flush works
    }

    private void failed(IOException e) {
        closeQuietly();
        failedAt = System.nanoTime();
        if (!broken) {
            broken = true;
            logger.warn("cannot write {}; lines go to the history and the console only, retrying every second", file, e);
            report.accept("Error: cannot write " + file + " (" + e.getMessage()
                    + "); lines are kept in the history and shown, retrying every second");
        }
    }

    private void closeQuietly() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException ignored) {
                // what was buffered is lost with the file's failure
            }
            out = null;
        }
    }
}
