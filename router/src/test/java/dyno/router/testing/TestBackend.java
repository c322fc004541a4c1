package dyno.router.testing;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.CRC32;

/**
 * A dyno stand-in on 127.0.0.1, port 0. Paths: {@code /} answers the name; {@code /headers} the
 * request headers, one {@code name: value} line each (names lower case); {@code /upload} reads
 * the body and answers {@code bytes crc}; {@code /download?n=N} streams N pattern bytes chunked;
 * {@code /slow?ms=N} sleeps first.
 */
public final class TestBackend implements AutoCloseable {
    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private final AtomicInteger requests = new AtomicInteger();

    private TestBackend(String name) throws IOException {
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        this.executor = Executors.newFixedThreadPool(16);
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    public static TestBackend start(String name) throws IOException {
        return new TestBackend(name);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getAddress().getPort());
    }

    public int requests() {
        return requests.get();
    }

    /** Pattern byte at offset i of a download. */
    public static byte patternAt(long i) {
        return (byte) ('a' + (i % 26));
    }

    private void handle(HttpExchange ex) throws IOException {
        requests.incrementAndGet();
        try (ex) {
            String path = ex.getRequestURI().getPath();
            String query = ex.getRequestURI().getQuery();
            switch (path) {
                case "/headers" -> {
                    drain(ex.getRequestBody());
                    Map<String, String> sorted = new TreeMap<>();
                    for (Map.Entry<String, java.util.List<String>> e : ex.getRequestHeaders().entrySet()) {
                        sorted.put(e.getKey().toLowerCase(), String.join(" | ", e.getValue()));
                    }
                    StringBuilder b = new StringBuilder();
                    sorted.forEach((k, v) -> b.append(k).append(": ").append(v).append('\n'));
                    send(ex, 200, b.toString());
                }
                case "/upload" -> {
                    CRC32 crc = new CRC32();
                    long n = 0;
                    byte[] buf = new byte[8192];
                    InputStream in = ex.getRequestBody();
                    for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                        crc.update(buf, 0, r);
                        n += r;
                    }
                    send(ex, 200, n + " " + crc.getValue());
                }
                case "/download" -> {
                    drain(ex.getRequestBody());
                    long n = Long.parseLong(param(query, "n"));
                    ex.sendResponseHeaders(200, 0);
                    try (OutputStream out = ex.getResponseBody()) {
                        byte[] buf = new byte[8192];
                        for (long off = 0; off < n; ) {
                            int len = (int) Math.min(buf.length, n - off);
                            for (int i = 0; i < len; i++) {
                                buf[i] = patternAt(off + i);
                            }
                            out.write(buf, 0, len);
                            off += len;
                        }
                    }
                }
                case "/slow" -> {
                    drain(ex.getRequestBody());
                    Thread.sleep(Long.parseLong(param(query, "ms")));
                    send(ex, 200, name);
                }
                default -> {
                    drain(ex.getRequestBody());
                    Headers h = ex.getResponseHeaders();
                    h.set("X-Backend", name);
                    send(ex, 200, name);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String param(String query, String key) {
        for (String kv : query.split("&")) {
            if (kv.startsWith(key + "=")) {
                return kv.substring(key.length() + 1);
            }
        }
        throw new IllegalArgumentException("query: " + query + " (expected: " + key + "=...)");
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(OutputStream.nullOutputStream());
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
