package dyno.router.testing;

import java.io.IOException;
import java.net.ConnectException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * A bounded load on the router: {@code threads} clients, each sending {@code requests} GETs one
 * after another on a keep-alive connection, and opening a new one (to the router's port of the
 * moment) after every {@code perConnection} requests. Every response that is not a 200, and every
 * connection lost under a request, is a failure.
 * <p>A connect refused at a port the router has since moved away from is not a failed request (none
 * was sent): the client asks for the port again, as a client of a moved service does.
 */
public final class KeepAliveLoad implements AutoCloseable {
    private final IntSupplier port;
    private final String path;
    private final int requests;
    private final int perConnection;
    private final Thread[] clients;
    private final CountDownLatch done;
    private final AtomicInteger completed = new AtomicInteger();
    private final AtomicInteger staleConnects = new AtomicInteger();
    private final Map<String, AtomicInteger> byBody = new ConcurrentHashMap<>();
    /** Failures, one line each. */
    public final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();

    private KeepAliveLoad(IntSupplier port, String path, int threads, int requests, int perConnection) {
        this.port = port;
        this.path = path;
        this.requests = requests;
        this.perConnection = perConnection;
        this.clients = new Thread[threads];
        this.done = new CountDownLatch(threads);
        for (int i = 0; i < threads; i++) {
            clients[i] = new Thread(this::run, "load-" + i);
            clients[i].setDaemon(true);
        }
    }

    /** Starts the clients. */
    public static KeepAliveLoad start(IntSupplier port, String path, int threads, int requests, int perConnection) {
        KeepAliveLoad load = new KeepAliveLoad(port, path, threads, requests, perConnection);
        for (Thread t : load.clients) {
            t.start();
        }
        return load;
    }

    /** Requests answered 200 so far. */
    public int completed() {
        return completed.get();
    }

    /** Connects refused at a port the router had left. */
    public int staleConnects() {
        return staleConnects.get();
    }

    /** How many 200 responses had each body (the backends answer their name). */
    public Map<String, Integer> bodies() {
        Map<String, Integer> copy = new java.util.TreeMap<>();
        byBody.forEach((k, v) -> copy.put(k, v.get()));
        return copy;
    }

    /** Waits until every client sent all its requests; false if that took longer than the timeout. */
    public boolean await(long timeout, TimeUnit unit) throws InterruptedException {
        return done.await(timeout, unit);
    }

    private void run() {
        try {
            HttpConnection connection = null;
            int onConnection = 0;
            for (int i = 0; i < requests; i++) {
                if (connection == null) {
                    connection = connect();
                    onConnection = 0;
                }
                boolean last = ++onConnection == perConnection || i == requests - 1;
                String result = exchange(connection, last);
                if (result == null) {
                    completed.incrementAndGet();
                } else {
                    failures.add(Thread.currentThread().getName() + " request " + i + ": " + result);
                }
                if (last || result != null) {
                    connection.close();
                    connection = null;
                }
            }
        } catch (IOException e) {
            failures.add(Thread.currentThread().getName() + ": " + e);
        } finally {
            done.countDown();
        }
    }

    private HttpConnection connect() throws IOException {
        for (int attempt = 0; ; attempt++) {
            int p = port.getAsInt();
            try {
                return HttpConnection.open(p);
            } catch (ConnectException e) {
                if (attempt < 10 && port.getAsInt() != p) {
                    staleConnects.incrementAndGet();
                    continue;
                }
                throw e;
            }
        }
    }

    /** One exchange; null when answered 200, else what went wrong. */
    private String exchange(HttpConnection connection, boolean close) {
        try {
            HttpConnection.Response r = connection.get(path, close);
            if (r == null) {
                return "connection closed before a response";
            }
            if (r.status() != 200) {
                return r.head().lines().findFirst().orElse("") + " " + r.body().strip();
            }
            byBody.computeIfAbsent(r.body(), b -> new AtomicInteger()).incrementAndGet();
            return null;
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    /** Failures as text, for assertion messages. */
    public List<String> failureList() {
        return List.copyOf(failures);
    }

    @Override
    public void close() {
        for (Thread t : clients) {
            t.interrupt();
        }
    }
}
