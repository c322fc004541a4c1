package dyno.platform.daemon;

import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The app's log stream: producers (dyno output readers, the manager, the router's event loops)
 * only enqueue; one thread appends to the history buffer, {@code .dyno/log} (see {@link LogFile}: rotated,
 * 0600, never fatal) and the console. Nothing a line or a consumer does ends that thread.
 * When the queue is full, lines are dropped and counted rather than slowing the router; once the
 * writer catches up it says how many, as logplex does: {@code dyno[logplex]: Error L10 (output
 * buffer overflow): 312 messages dropped since 2026-11-28T15:31:02.123456+00:00}.
 */
public final class LogPipe implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(LogPipe.class);
    private static final LogLine STOP = new LogLine(Instant.EPOCH, "", "", "");

    private final BlockingQueue<LogLine> queue = new ArrayBlockingQueue<>(16_384);
    private final LogBuffer buffer;
    private final Consumer<LogLine> console;
    private final LogFile file;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    /** Drops already reported, and since when the unreported ones go; writer thread only. */
    private long reported;
    private Instant droppingSince;
    private boolean consumerFailed;

    /** A pipe whose file rotates at 10 MiB, keeping 5 older files. */
    public LogPipe(LogBuffer buffer, Path logFile, Consumer<LogLine> console) {
        this(buffer, logFile, console, LogFile.DEFAULT_MAX_BYTES, LogFile.DEFAULT_KEEP);
    }

    /** A pipe whose file rotates at {@code maxFileBytes}, keeping {@code keepFiles} older files. */
    public LogPipe(LogBuffer buffer, Path logFile, Consumer<LogLine> console, long maxFileBytes, int keepFiles) {
        this.buffer = buffer;
        this.console = console;
        // the file's own trouble goes to the history and the console, never to the file
        this.file = new LogFile(logFile, maxFileBytes, keepFiles, message -> show(
                new LogLine(Instant.now(), LogLine.DYNO, "logplex", message)));
        this.writer = new Thread(this::drain, "dyno-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** Enqueues {@code line}; never blocks. */
    public void offer(LogLine line) {
        if (!queue.offer(line)) {
            dropped.incrementAndGet();
        }
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    private void drain() {
        while (true) {
            LogLine line;
            try {
                line = queue.poll(1, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (line == STOP) {
                return;
            }
            // nothing a line or a consumer does may end the writer: the history and the console go on
            try {
                if (line == null) {
                    file.flush();
                    continue;
                }
                if (droppingSince == null && dropped.get() > reported) {
                    droppingSince = line.time(); // about when the queue overflowed
                }
                write(line);
                if (queue.isEmpty()) {
                    reportDrops();
                    file.flush();
                }
            } catch (RuntimeException e) {
                if (!consumerFailed) {
                    consumerFailed = true;
                    logger.warn("a log consumer failed; the writer goes on (reported once)", e);
                }
            }
        }
    }

    private void write(LogLine line) {
        show(line);
        file.append(line.format());
    }

    private void show(LogLine line) {
        buffer.accept(line);
        console.accept(line);
    }

    /** Caught up: one L10 line for the lines dropped since the last one. */
    private void reportDrops() {
        long total = dropped.get();
        if (total > reported) {
            Instant since = droppingSince != null ? droppingSince : Instant.now();
            write(new LogLine(Instant.now(), LogLine.DYNO, "logplex", "Error L10 (output buffer overflow): "
                    + (total - reported) + " messages dropped since " + LogLine.timestamp(since)));
            reported = total;
            droppingSince = null;
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        queue.offer(STOP);
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        file.close();
    }
}
