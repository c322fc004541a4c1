package dyno.platform.router;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A real HTTP server on 127.0.0.1 that answers its name to every request and counts them. */
public final class NamedServer implements AutoCloseable {
    private final HttpServer server;
    private final AtomicInteger requests = new AtomicInteger();

    private NamedServer(String name) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.setExecutor(Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            return t;
        }));
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", ex -> {
            try (ex) {
                requests.incrementAndGet();
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(200, body.length);
                ex.getResponseBody().write(body);
            }
        });
        server.start();
    }

    public static NamedServer start(String name) throws IOException {
        return new NamedServer(name);
    }

    /** {@code 127.0.0.1:PORT}. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
