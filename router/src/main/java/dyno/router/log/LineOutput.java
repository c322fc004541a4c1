package dyno.router.log;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lines encoded as UTF-8 into one 64 KiB buffer, written to the stream when it is full or on
 * {@link #flush()}: many lines per {@code write} call. Never fatal: a failed write (a full disk, a
 * closed pipe) is reported once through SLF4J, the buffered lines and the lines appended within the
 * next second are dropped and counted, then writing is tried again; its return is reported too.
 * Used by one thread, the access log writer.
 */
final class LineOutput implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(AccessLogWriter.class);
    private static final long RETRY_NANOS = TimeUnit.SECONDS.toNanos(1);
    static final int BUFFER_BYTES = 64 * 1024;

    private final OutputStream out;
    private final String name;
    private final boolean closeStream;
    private final byte[] buf = new byte[BUFFER_BYTES];
    private int count;
    /** Complete lines in the buffer. */
    private int lines;
    private boolean broken;
    private long failedAt;
    private volatile long written;
    private volatile long unwritten;

    /**
     * @param name what the stream is, for messages ({@code stdout}, a path)
     * @param closeStream whether {@link #close()} closes {@code out} (never stdout's descriptor)
     */
    LineOutput(OutputStream out, String name, boolean closeStream) {
        this.out = out;
        this.name = name;
        this.closeStream = closeStream;
    }

    /** Appends {@code s} and a line break; never throws. */
    void appendLine(CharSequence s) {
        if (broken && System.nanoTime() - failedAt < RETRY_NANOS) {
            unwritten++;
            return;
        }
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (count > buf.length - 4 && !write()) {
                unwritten++;
                return;
            }
            char c = s.charAt(i);
            if (c < 0x80) {
                buf[count++] = (byte) c;
            } else if (c < 0x800) {
                buf[count++] = (byte) (0xc0 | (c >> 6));
                buf[count++] = (byte) (0x80 | (c & 0x3f));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[count++] = (byte) (0xf0 | (cp >> 18));
                    buf[count++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                    buf[count++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                    buf[count++] = (byte) (0x80 | (cp & 0x3f));
                } else {
                    buf[count++] = '?'; // a lone surrogate has no UTF-8 form
                }
            } else {
                buf[count++] = (byte) (0xe0 | (c >> 12));
                buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3f));
                buf[count++] = (byte) (0x80 | (c & 0x3f));
            }
        }
        if (count == buf.length && !write()) {
            unwritten++;
            return;
        }
        buf[count++] = '\n';
        lines++;
    }

    /** Writes what is buffered, in one call; never throws. */
    void flush() {
        if (count > 0) {
            write();
        }
    }

    /** Lines written to the stream. */
    long written() {
        return written;
    }

    /** Lines lost to failed writes. */
    long unwritten() {
        return unwritten;
    }

    @Override
    public void close() {
        flush();
        if (closeStream) {
            try {
                out.close();
            } catch (IOException e) {
                logger.warn("cannot close the access log {}", name, e);
            }
        }
    }

    private boolean write() {
        try {
            out.write(buf, 0, count);
        } catch (IOException e) {
            failed(e);
            return false;
        } finally {
            count = 0;
        }
        written += lines;
        lines = 0;
        if (broken) {
            broken = false;
            logger.info("writing the access log to {} again; {} lines were not written to it", name, unwritten);
        }
        return true;
    }

    private void failed(IOException e) {
        unwritten += lines;
        lines = 0;
        failedAt = System.nanoTime();
        if (!broken) {
            broken = true;
            logger.warn("cannot write the access log to {}; lines are dropped and counted, retrying every second",
                    name, e);
        }
    }
}
