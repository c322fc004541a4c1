package dyno.runtime.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;

/** Hands out free TCP ports, never the same one twice while it is held. Thread-safe. */
public final class PortAllocator {
    private final Set<Integer> held = new HashSet<>();

    /** A port that was free a moment ago and is not held by another dyno. */
    public synchronized int acquire() {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int port = s.getLocalPort();
                if (held.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("no free port", e);
            }
        }
        throw new IllegalStateException("no free port after 50 attempts");
    }

    /** Returns {@code port} to the pool. */
    public synchronized void release(int port) {
        held.remove(port);
    }
}
