package dyno.platform.daemon;

import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * only enqueue; one thread appends to the history buffer, {@code .dyno/log} and the console.
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
    private final BufferedWriter file;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    /** Drops already reported, and since when the unreported ones go; writer thread only. */
    private long reported;
    private Instant droppingSince;

    public LogPipe(LogBuffer buffer, Path logFile, Consumer<LogLine> console) throws IOException {
        this.buffer = buffer;
        this.console = console;
        Files.createDirectories(logFile.getParent());
        this.file = Files.newBufferedWriter(logFile, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
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
        try {
            while (true) {
                LogLine line = queue.poll(1, TimeUnit.SECONDS);
                if (line == null) {
                    file.flush();
                    continue;
                }
                if (line == STOP) {
                    break;
                }
                if (droppingSince == null && dropped.get() > reported) {
                    droppingSince = line.time(); // about when the queue overflowed
                }
                write(line);
                if (queue.isEmpty()) {
                    reportDrops();
                    file.flush();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException | RuntimeException e) {
            logger.warn("log writer failed", e);
        }
    }

    private void write(LogLine line) throws IOException {
        buffer.accept(line);
        console.accept(line);
        file.write(line.format());
        file.newLine();
    }

    /** Caught up: one L10 line for the lines dropped since the last one. */
    private void reportDrops() throws IOException {
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
            file.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            logger.warn("cannot close the log file", e);
        }
    }
}
