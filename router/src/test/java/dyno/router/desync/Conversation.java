package dyno.router.desync;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;

/** One client connection to the proxy under test, read in bounded steps. */
final class Conversation implements AutoCloseable {
    private final Socket socket;
    private final ByteArrayOutputStream got = new ByteArrayOutputStream();
    private boolean closed;

    Conversation(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
        socket.setSoTimeout(10);
        socket.setTcpNoDelay(true);
    }

    /** Sends the bytes; a connection the proxy already closed counts as closed. */
    void send(byte[] bytes) {
        if (closed) {
            return;
        }
        try {
            socket.getOutputStream().write(bytes);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            closed = true;
        }
    }

    /**
     * Reads until the proxy closes, or {@code done} holds of what was read and {@code quietMillis}
     * passed without a byte, or {@code maxMillis} passed.
     */
    void readUntil(Predicate<String> done, long quietMillis, long maxMillis) {
        long start = System.nanoTime();
        long lastByte = start;
        byte[] buf = new byte[16384];
        InputStream in;
        try {
            in = socket.getInputStream();
        } catch (IOException e) {
            closed = true;
            return;
        }
        while (!closed && System.nanoTime() - start < maxMillis * 1_000_000L) {
            try {
                int r = in.read(buf);
                if (r < 0) {
                    closed = true;
                } else {
                    got.write(buf, 0, r);
                    lastByte = System.nanoTime();
                }
            } catch (SocketTimeoutException e) {
                if (System.nanoTime() - lastByte >= quietMillis * 1_000_000L && done.test(raw())) {
                    return;
                }
            } catch (IOException e) {
                closed = true; // reset
            }
        }
    }

    String raw() {
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    boolean closed() {
        return closed;
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
