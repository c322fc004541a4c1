import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;

/**
 * The example web process. {@code /} answers with this dyno's name, {@code /health} with ok, and
 * {@code /work?ms=N[&dist=fixed|lognormal|pareto]} waits about N ms (sleeps: an app waiting on
 * a database), {@code /cpu?ms=N} computes for N ms of CPU time (a CPU-bound app: throttled by its
 * size's CPU share, it takes longer than N ms of wall time), and
 * {@code /stream?chunks=N&ms=M} streams N lines M ms apart (chunked). The server has a
 * single thread, so each dyno serves one request at a time, like a single-threaded app server.
 */
public final class Web {
    private static final Random RANDOM = new Random();

    public static void main(String[] args) throws IOException {
        // The JDK server writes headers and body separately; with Nagle on, a reused keep-alive
        // connection (as the router's are) waits ~40 ms for a delayed ACK between the two.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        String dyno = System.getenv().getOrDefault("DYNO", "web.local");
        // a config var: dyno config:set GREETING=Hi makes a new release and restarts the dynos with it
        String greeting = System.getenv().getOrDefault("GREETING", "Hello");
        int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "5000"));
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 1024);
        server.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/")) {
                send(ex, 200, greeting + " from " + dyno + "\n");
            } else {
                send(ex, 404, "Not found\n");
            }
        });
        server.createContext("/health", ex -> send(ex, 200, "ok\n"));
        server.createContext("/work", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            long ms = Long.parseLong(q.getOrDefault("ms", "20"));
            long actual = Math.max(0, Math.round(ms * factor(q.getOrDefault("dist", "fixed"))));
            try {
                Thread.sleep(Math.min(actual, 60_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            send(ex, 200, dyno + " worked " + actual + "ms\n");
        });
        server.createContext("/cpu", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            long ms = Math.min(Long.parseLong(q.getOrDefault("ms", "20")), 60_000);
            long start = System.nanoTime();
            long result = compute(ms * 1_000_000);
            long wallMs = (System.nanoTime() - start) / 1_000_000;
            send(ex, 200, dyno + " computed " + ms + "ms of CPU in " + wallMs + "ms (" + (result & 0xff) + ")\n");
        });
        server.createContext("/stream", ex -> {
            Map<String, String> q = query(ex.getRequestURI().getRawQuery());
            int chunks = Math.min(Integer.parseInt(q.getOrDefault("chunks", "5")), 600);
            long ms = Math.min(Long.parseLong(q.getOrDefault("ms", "1000")), 60_000);
            ex.sendResponseHeaders(200, 0); // 0: chunked
            try (OutputStream out = ex.getResponseBody()) {
                for (int i = 1; i <= chunks; i++) {
                    out.write((dyno + " chunk " + i + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    if (i < chunks) {
                        Thread.sleep(ms);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        server.setExecutor(null); // the dispatcher thread handles every request: one at a time
        server.start();
        System.out.println("listening on port " + port);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("SIGTERM received, shutting down");
            server.stop(0);
        }));
    }

    /** Computes (xorshift rounds) until this thread has used {@code cpuNanos} of CPU time; the last value. */
    private static long compute(long cpuNanos) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long until = threads.getCurrentThreadCpuTime() + cpuNanos;
        long x = System.nanoTime() | 1;
        do {
            for (int i = 0; i < 20_000; i++) {
                x ^= x << 13;
                x ^= x >>> 7;
                x ^= x << 17;
            }
        } while (threads.getCurrentThreadCpuTime() < until);
        return x;
    }

    /** Multiplier of the mean work time: 1 for fixed, heavy-tailed otherwise (mean about 1). */
    private static double factor(String dist) {
        switch (dist) {
            case "lognormal":
                double sigma = 1.0;
                return Math.exp(sigma * RANDOM.nextGaussian() - sigma * sigma / 2);
            case "pareto":
                double alpha = 1.5; // mean = alpha / (alpha - 1) * xm = 1 with xm = 1/3
                return (1.0 / 3.0) / Math.pow(1 - RANDOM.nextDouble(), 1 / alpha);
            default:
                return 1;
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
