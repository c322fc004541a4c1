package dyno.benchmarks;

import dyno.router.AccessLogSink;
import dyno.router.Router;
import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import dyno.router.log.AccessLogFormat;
import dyno.router.log.AccessLogWriter;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The router alone for load tests, without the platform module:
 * <pre>{@code
 * java -cp benchmarks/target/microbenchmarks.jar dyno.benchmarks.RouterMain \
 *     --port 8080 --backend 127.0.0.1:9001 --backend 127.0.0.1:9002 --threads 2 [--access-log async|off]
 * }</pre>
 * {@code --access-log async} (the default) uses the product's access log,
 * {@link AccessLogWriter#stdout}: the event loop hands each record to a bounded lock-free queue,
 * one writer thread formats heroku lines and writes them to stdout in batches; {@code off}
 * installs a sink that drops the records (each is still made, nothing is formatted).
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
        AccessLogWriter async = null;
        AccessLogSink sink;
        switch (accessLog) {
            case "async" -> sink = async = AccessLogWriter.stdout(AccessLogFormat.HEROKU);
            case "off" -> sink = record -> { };
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
                System.err.println("access lines written=" + async.written() + " dropped=" + async.dropped());
            }
        }
    }

    private static String requireValue(String option, String value) {
        if (value == null) {
            throw new IllegalArgumentException(option + ": missing value");
        }
        return value;
    }
}
