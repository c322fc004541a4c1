package dyno.router.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
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
            Socket socket = null;
            int onConnection = 0;
            for (int i = 0; i < requests; i++) {
                if (socket == null) {
                    socket = connect();
                    onConnection = 0;
                }
                boolean last = ++onConnection == perConnection || i == requests - 1;
                String result = exchange(socket, last);
                if (result == null) {
                    completed.incrementAndGet();
                } else {
                    failures.add(Thread.currentThread().getName() + " request " + i + ": " + result);
                }
                if (last || result != null) {
                    Sockets.closeQuietly(socket);
                    socket = null;
                }
            }
        } catch (IOException e) {
            failures.add(Thread.currentThread().getName() + ": " + e);
        } finally {
            done.countDown();
        }
    }

    private Socket connect() throws IOException {
        for (int attempt = 0; ; attempt++) {
            int p = port.getAsInt();
            Socket s = new Socket();
            try {
                s.connect(new InetSocketAddress("127.0.0.1", p), 5000);
                s.setSoTimeout(30_000);
                s.setTcpNoDelay(true);
                return s;
            } catch (ConnectException e) {
                s.close();
                if (attempt < 10 && port.getAsInt() != p) {
                    staleConnects.incrementAndGet();
                    continue;
                }
                throw e;
            }
        }
    }

    /** One exchange; null when answered 200, else what went wrong. */
    private String exchange(Socket s, boolean close) {
        try {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: router\r\n" + (close ? "Connection: close\r\n" : "")
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream(); // read byte by byte: nothing of the next response read ahead
            String head = readHead(in);
            if (head == null) {
                return "connection closed before a response";
            }
            int status = Integer.parseInt(head.substring(9, 12));
            String body = readBody(in, head);
            if (status != 200) {
                return "status " + status + ": " + head.lines().findFirst().orElse("") + " " + body.strip();
            }
            byBody.computeIfAbsent(body, b -> new AtomicInteger()).incrementAndGet();
            return null;
        } catch (IOException | RuntimeException e) {
            return e.toString();
        }
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (b.length() < 4 || b.lastIndexOf("\r\n\r\n") != b.length() - 4) {
            int c = in.read();
            if (c < 0) {
                return b.length() == 0 ? null : b.toString();
            }
            b.append((char) c);
        }
        return b.toString();
    }

    private static String readBody(InputStream in, String head) throws IOException {
        String lower = head.toLowerCase(Locale.ROOT);
        if (lower.contains("transfer-encoding: chunked")) {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            while (true) {
                String sizeLine = readLine(in);
                int size = Integer.parseInt(sizeLine.split(";")[0].strip(), 16);
                if (size == 0) {
                    while (!readLine(in).isEmpty()) {
                        // trailers
                    }
                    return body.toString(StandardCharsets.UTF_8);
                }
                body.write(in.readNBytes(size));
                readLine(in);
            }
        }
        for (String line : lower.split("\r\n")) {
            if (line.startsWith("content-length:")) {
                int n = Integer.parseInt(line.substring("content-length:".length()).strip());
                return new String(in.readNBytes(n), StandardCharsets.UTF_8);
            }
        }
        return "";
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c >= 0 && c != '\n'; c = in.read()) {
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
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
