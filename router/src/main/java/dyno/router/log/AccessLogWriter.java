package dyno.router.log;

import static java.util.Objects.requireNonNull;

import dyno.router.AccessLogSink;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The router's access log: event loops only enqueue a record (a lock-free bounded queue; no lock,
 * no signal, no allocation), one writer thread formats the records and writes many lines per
 * {@code write} call, flushing whenever the queue is empty.
 * <pre>{@code
 * try (AccessLogWriter log = AccessLogWriter.append(Path.of("access.log"), AccessLogFormat.JSON)) {
 *     Router router = Router.start(RouterConfig.builder().accessLog(log).build(), RouterListener.NONE);
 *     ...
 * }
 * }</pre>
 * When the queue is full a record is dropped and counted ({@link #dropped()}); the writer says so
 * in the log itself, at most once a second, Heroku's L10:
 * {@code at=error code=L10 desc="Drain buffer overflow" count=312}. A failed write never ends the
 * writer (see {@link LineOutput}). {@link #close()} writes everything queued before it.
 */
public final class AccessLogWriter implements AccessLogSink, AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(AccessLogWriter.class);
    /** Records queued at most; past it they are dropped and counted. */
    public static final int DEFAULT_CAPACITY = 16_384;
    private static final int BATCH = 1024;
    /** The writer naps rather than waits on the queue, so an enqueue never has a thread to wake. */
    private static final long MIN_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    /** Naps grow while idle, up to this: an idle router wakes its writer 100 times a second. */
    private static final long MAX_NAP_NANOS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long CLOSE_WAIT_MILLIS = 5000;

    private final MpscRing<AccessRecord> queue;
    private final AccessLogFormat format;
    private final LineOutput out;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean closed;
    /** Writer thread only: the line being formatted, drops already reported and when. */
    private final StringBuilder line = new StringBuilder(1024);
    private long reported;
    private long reportedAt;

    /**
     * A writer to {@code out}, which it closes on {@link #close()}.
     *
     * @param name what {@code out} is, for messages
     * @param capacity records queued at most
     */
    public AccessLogWriter(OutputStream out, String name, AccessLogFormat format, int capacity) {
        this(new LineOutput(requireNonNull(out, "out"), requireNonNull(name, "name"), true), format, capacity);
    }

    private AccessLogWriter(LineOutput out, AccessLogFormat format, int capacity) {
        this.format = requireNonNull(format, "format");
        this.queue = new MpscRing<>(capacity);
        this.out = out;
        this.reportedAt = System.nanoTime() - REPORT_NANOS;
        format.appendOverflow(0, line); // loads what an overflow needs now, not when memory or descriptors run out
        line.setLength(0);
        this.writer = new Thread(this::run, "dyno-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** A writer to the process's standard output (its descriptor, not {@code System.out}); close leaves it open. */
    public static AccessLogWriter stdout(AccessLogFormat format) {
        return new AccessLogWriter(new LineOutput(new FileOutputStream(FileDescriptor.out), "stdout", false), format,
                DEFAULT_CAPACITY);
    }

    /** A writer appending to {@code file}, created with mode 0600 when it does not exist. */
    public static AccessLogWriter append(Path file, AccessLogFormat format) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (FileAlreadyExistsException exists) {
            // appended to as it is: its mode is its owner's choice
        }
        return new AccessLogWriter(new FileOutputStream(file.toFile(), true), file.toString(), format, DEFAULT_CAPACITY);
    }

    /** Enqueues {@code record}, or counts it as dropped when the queue is full; never blocks. */
    @Override
    public void log(AccessRecord record) {
        if (!queue.offer(record)) {
            dropped.incrementAndGet();
        }
    }

    /** Records dropped because the queue was full, since the start. */
    public long dropped() {
        return dropped.get();
    }

    /** Lines written so far (the L10 lines included). */
    public long written() {
        return out.written();
    }

    /** Lines lost to failed writes (a full disk, a closed pipe), since the start. */
    public long unwritten() {
        return out.unwritten();
    }

    public AccessLogFormat format() {
        return format;
    }

    /** Writes every record queued so far, reports drops not yet reported, and stops the writer. Idempotent. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (writer.isAlive()) {
            logger.warn("the access log writer did not finish within {} ms (is its output blocked?)", CLOSE_WAIT_MILLIS);
        }
    }

    private void run() {
        long nap = MIN_NAP_NANOS;
        try {
            while (!closed || !queue.isEmpty()) {
                int n = drain();
                reportDrops(false);
                if (n == BATCH) {
                    continue; // more queued, most likely: fill the buffer further before writing
                }
                out.flush();
                // Nap after every partial batch, not only an empty one: under steady load the lines
                // of a millisecond then go out in one write, where draining again at once spun this
                // thread on a core of its own, a handful of lines per write.
                long sleep = n == 0 ? nap : MIN_NAP_NANOS;
                nap = n == 0 ? Math.min(nap * 2, MAX_NAP_NANOS) : MIN_NAP_NANOS;
                if (!closed) {
                    LockSupport.parkNanos(sleep);
                }
            }
            reportDrops(true);
        } catch (RuntimeException | Error e) {
            logger.error("the access log writer failed; access lines are no longer written", e);
        } finally {
            out.close();
        }
    }

    private int drain() {
        int n = 0;
        for (AccessRecord r; n < BATCH && (r = queue.poll()) != null; n++) {
            line.setLength(0);
            try {
                format.append(r, line);
            } catch (RuntimeException e) { // a bug, not a reason to stop logging
                logger.warn("cannot format an access record {}", r, e);
                continue;
            }
            out.appendLine(line);
        }
        return n;
    }

    private void reportDrops(boolean now) {
        long d = dropped.get();
        if (d == reported) {
            return;
        }
        long t = System.nanoTime();
        if (now || t - reportedAt >= REPORT_NANOS) {
            line.setLength(0);
            format.appendOverflow(d - reported, line);
            out.appendLine(line);
            reported = d;
            reportedAt = t;
        }
    }
}
