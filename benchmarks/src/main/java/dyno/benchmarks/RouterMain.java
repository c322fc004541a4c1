package dyno.benchmarks;

import dyno.router.AccessLogSink;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The router alone for load tests, without the platform module:
 * <pre>{@code
 * java -cp benchmarks/target/microbenchmarks.jar dyno.benchmarks.RouterMain \
 *     --port 8080 --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 --threads 2 [--access-log async|off]
 * }</pre>
 * {@code --access-log async} (the default) formats every access line on the event loop, as the
 * router does, and hands it to a bounded queue that one writer thread drains to stdout every
 * millisecond without ever being signalled; {@code off} installs a sink that drops lines (formatting still happens).
 */
public final class RouterMain {
    private RouterMain() {
    }

    public static void main(String[] args) throws Exception {
        int port = 5006;
        Integer threads = null;
        String accessLog = "async";
        List<InetSocketAddress> backends = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "--port" -> port = Integer.parseInt(requireValue(a, v));
                case "--threads" -> threads = Integer.parseInt(requireValue(a, v));
                case "--access-log" -> accessLog = requireValue(a, v);
                case "--backend" -> {
                    String b = requireValue(a, v);
                    int colon = b.lastIndexOf(':');
                    if (colon < 1) {
                        throw new IllegalArgumentException("--backend: '" + b + "' (expected: HOST:PORT)");
                    }
                    backends.add(new InetSocketAddress(b.substring(0, colon), Integer.parseInt(b.substring(colon + 1))));
                }
                default -> throw new IllegalArgumentException(a + " (expected: --port, --backend, --threads, --access-log)");
            }
            i++;
        }
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("--backend: missing (expected: at least one HOST:PORT)");
        }
        AsyncStdoutSink async = null;
        AccessLogSink sink;
        switch (accessLog) {
            case "async" -> sink = async = new AsyncStdoutSink();
            case "off" -> sink = line -> { };
            default -> throw new IllegalArgumentException("--access-log: " + accessLog + " (expected: async or off)");
        }
        RouterConfig.Builder builder = RouterConfig.builder().host("127.0.0.1").port(port).accessLog(sink);
        if (threads != null) {
            builder.threads(threads);
        }
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "router-main-shutdown"));
        try (Router router = Router.start(builder.build(), RouterListener.NONE)) {
            for (int i = 0; i < backends.size(); i++) {
                router.registry().add("web." + (i + 1), backends.get(i));
            }
            System.err.println("router listening on 127.0.0.1:" + router.port() + " -> " + backends
                    + " threads=" + (threads == null ? "cores" : threads) + " access-log=" + accessLog);
            stop.await();
        } finally {
            if (async != null) {
                async.close();
                System.err.println("access lines written=" + async.written.get() + " dropped=" + async.dropped.get());
            }
        }
    }

    private static String requireValue(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return value;
    }

    /** Event loops only enqueue (dropping, and counting, when full); one thread writes. */
    static final class AsyncStdoutSink implements AccessLogSink, AutoCloseable {
        private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(8192);
        private final Thread writer = new Thread(this::run, "access-log-writer");
        final AtomicLong written = new AtomicLong();
        final AtomicLong dropped = new AtomicLong();
        private volatile boolean closed;

        AsyncStdoutSink() {
            writer.setDaemon(true);
            writer.start();
        }

        @Override
        public void log(String line) {
            if (!queue.offer(line)) {
                dropped.incrementAndGet();
            }
        }

        private void run() {
            Writer out = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 64 * 1024);
            List<String> batch = new ArrayList<>(4096);
            boolean unflushed = false;
            try {
                while (true) {
                    queue.drainTo(batch, 4096);
                    if (batch.isEmpty()) {
                        if (unflushed) {
                            out.flush();
                            unflushed = false;
                        }
                        if (closed) {
                            break;
                        }
                        // Sleep rather than wait on the queue: an event loop's offer() then never has
                        // a waiter to signal, so it costs no futex call and no context switch.
                        LockSupport.parkNanos(1_000_000);
                        continue;
                    }
                    for (String line : batch) {
                        out.write(line);
                        out.write('\n');
                    }
                    written.addAndGet(batch.size());
                    batch.clear();
                    unflushed = true;
                }
            } catch (IOException e) {
                System.err.println("access log writer failed: " + e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            closed = true;
            writer.join(2000);
        }
    }
}
