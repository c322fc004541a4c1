package dyno.router.fuzz;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/**
 * A raw client connection to the router: sends the bytes once, reads until told it has seen
 * enough, then shuts its output and reads on until the router closes. That last step makes the
 * router finish with every byte the client sent before the iteration ends, so that nothing the
 * router does later lands in the next iteration.
 */
final class Client {
    /**
     * What the client read; whether the router closed before the client shut its output; whether
     * the stream ended at all (before or after); whether the time bound passed first.
     */
    record Outcome(String raw, boolean closed, boolean eof, boolean timedOut) {
    }

    /** Decides, after each read or quiet poll, that the client has seen enough. */
    interface Stop {
        boolean now(String raw, long quietMillis);
    }

    private static final int POLL_MILLIS = 10;
    /** How long the router may take to close after the client shut its output: a liveness bound. */
    private static final long DRAIN_MILLIS = 5_000;

    private Client() {
    }

    /**
     * Connects, writes {@code request}, reads until the router closes, {@code stop} says so or
     * {@code maxMillis} pass, then drains.
     */
    static Outcome converse(int port, byte[] request, Stop stop, long maxMillis) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        long start = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(POLL_MILLIS);
            s.setTcpNoDelay(true);
            try {
                s.getOutputStream().write(request);
                s.getOutputStream().flush();
            } catch (IOException e) {
                // the router may close before reading everything: what it answered still counts
            }
            InputStream in = s.getInputStream();
            long lastByte = System.nanoTime();
            boolean timedOut = false;
            while (true) {
                long now = System.nanoTime();
                if (stop.now(got.toString(StandardCharsets.ISO_8859_1), (now - lastByte) / 1_000_000L)) {
                    break;
                }
                if (now - start > maxMillis * 1_000_000L) {
                    timedOut = true;
                    break;
                }
                int r = read(in, got);
                if (r < 0) {
                    return new Outcome(got.toString(StandardCharsets.ISO_8859_1), true, true, false);
                }
                if (r > 0) {
                    lastByte = System.nanoTime();
                }
            }
            boolean eof = drain(s, in, got);
            return new Outcome(got.toString(StandardCharsets.ISO_8859_1), false, eof, timedOut);
        }
    }

    /** Shuts the output and reads until the router closes (true) or the drain bound passes (false). */
    private static boolean drain(Socket s, InputStream in, ByteArrayOutputStream got) {
        try {
            s.shutdownOutput();
        } catch (IOException e) {
            return true; // already reset
        }
        long deadline = System.nanoTime() + DRAIN_MILLIS * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (read(in, got) < 0) {
                return true;
            }
        }
        return false;
    }

    /** Bytes read (0 when none arrived within the poll), or -1 at the end of the stream or a reset. */
    private static int read(InputStream in, ByteArrayOutputStream got) {
        byte[] buf = new byte[8192];
        try {
            int r = in.read(buf);
            if (r > 0) {
                got.write(buf, 0, r);
            }
            return r;
        } catch (SocketTimeoutException e) {
            return 0;
        } catch (IOException e) {
            return -1;
        }
    }
}
