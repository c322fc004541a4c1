package dyno.router.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A misbehaving dyno on a plain {@link ServerSocket} of 127.0.0.1: for each request it reads (head,
 * then a Content-Length body), it writes the raw bytes a script gives for {@code "METHOD /path"},
 * possibly in several delayed parts, possibly closing after; {@code "#N METHOD /path"} is asked first,
 * for the Nth request of a connection, and {@code "early METHOD /path"} before the request's body is
 * read (an app refusing an upload). Requests without a script entry get
 * {@code 200} with the path as body, so a response can be attributed to its request. With a
 * keep-alive timeout it closes connections idle that long, as Node or gunicorn do.
 */
public final class ScriptedDyno implements AutoCloseable {
    /** Bytes to write after {@code delayMillis}; then close the connection when {@code close}. */
    public record Part(byte[] bytes, long delayMillis, boolean close) {
        public static Part of(String raw) {
            return new Part(raw.getBytes(StandardCharsets.ISO_8859_1), 0, false);
        }

        public static Part later(long delayMillis, String raw) {
            return new Part(raw.getBytes(StandardCharsets.ISO_8859_1), delayMillis, false);
        }

        public static Part closing(String raw) {
            return new Part(raw.getBytes(StandardCharsets.ISO_8859_1), 0, true);
        }
    }

    private final ServerSocket server;
    private final Function<String, List<Part>> script;
    private final int keepAliveMillis;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private ScriptedDyno(Function<String, List<Part>> script, int keepAliveMillis) throws IOException {
        this.script = script;
        this.keepAliveMillis = keepAliveMillis;
        server = new ServerSocket(0, 128, InetAddress.getByName("127.0.0.1"));
        Thread t = new Thread(this::accept, "scripted-dyno-accept");
        t.setDaemon(true);
        t.start();
    }

    /** {@code script} returns the parts for a request line's method and path, or null for the default. */
    public static ScriptedDyno start(Function<String, List<Part>> script) throws IOException {
        return new ScriptedDyno(script, 0);
    }

    /** Closes every connection that stays idle {@code keepAliveMillis} between requests. */
    public static ScriptedDyno withKeepAlive(int keepAliveMillis) throws IOException {
        return new ScriptedDyno(r -> null, keepAliveMillis);
    }

    /** {@code 200 OK} with {@code body} and a Content-Length. */
    public static String ok(String body) {
        return "HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    /** Heads of every request read, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    public int connections() {
        return connections.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s), "scripted-dyno-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (int served = 0; served < 10_000 && !closed; served++) {
                s.setSoTimeout(keepAliveMillis > 0 ? keepAliveMillis : 30_000);
                String head;
                try {
                    head = readHead(in);
                } catch (SocketTimeoutException e) {
                    return; // idle past the keep-alive timeout: close, as apps do
                }
                if (head == null) {
                    return;
                }
                s.setSoTimeout(30_000);
                requests.add(head);
                String line = head.substring(0, head.indexOf("\r\n"));
                String key = line.substring(0, line.lastIndexOf(' '));
                List<Part> parts = script.apply("early " + key); // answered before the body is read
                if (parts == null) {
                    skipBody(in, head);
                    parts = script.apply("#" + (served + 1) + " " + key); // the nth on this connection
                }
                if (parts == null) {
                    parts = script.apply(key);
                }
                if (parts == null) {
                    parts = List.of(Part.of(ok(key.substring(key.indexOf(' ') + 1))));
                }
                for (Part p : parts) {
                    if (p.delayMillis > 0) {
                        Thread.sleep(p.delayMillis);
                    }
                    out.write(p.bytes);
                    out.flush();
                    if (p.close) {
                        return;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // the router closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            sockets.remove(s);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int matched = 0;
        for (int c = in.read(); c >= 0; c = in.read()) {
            b.write(c);
            matched = (c == '\r' && (matched == 0 || matched == 2)) || (c == '\n' && (matched == 1 || matched == 3))
                    ? matched + 1 : (c == '\r' ? 1 : 0);
            if (matched == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
            if (b.size() > 1 << 20) {
                throw new IOException("head too long");
            }
        }
        return null;
    }

    private static void skipBody(InputStream in, String head) throws IOException {
        for (String l : head.split("\r\n")) {
            if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                long n = Long.parseLong(l.substring(15).trim());
                for (long i = 0; i < n; i++) {
                    if (in.read() < 0) {
                        return;
                    }
                }
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        Sockets.closeQuietly(server);
        Sockets.closeQuietly(sockets);
    }
}
