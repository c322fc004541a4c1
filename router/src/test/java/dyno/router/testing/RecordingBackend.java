package dyno.router.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A dyno stand-in that records the exact bytes it reads, on a plain {@link ServerSocket} of 127.0.0.1:
 * no HTTP library in between to normalise what the router sent. It parses requests strictly enough
 * to find their ends (Content-Length or chunked framing) and answers each complete one
 * {@code 200 ok} with a Content-Length, keeping the connection alive. Every request read, and every
 * connection that ended in the middle of one or sent bytes it could not frame, is an {@link Event}.
 */
public final class RecordingBackend implements AutoCloseable {
    private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok"
            .getBytes(StandardCharsets.ISO_8859_1);
    /** The same head without the body: the answer to HEAD (RFC 9110 section 9.3.2). */
    private static final byte[] OK_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\n"
            .getBytes(StandardCharsets.ISO_8859_1);
    private static final int MAX_HEAD = 1 << 20;
    private static final String TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
    private static final Pattern REQUEST_LINE = Pattern.compile(TOKEN + " (/[\\x21-\\x7e&&[^#]]*|\\*) HTTP/1\\.1");
    private static final Pattern HEADER_LINE =
            Pattern.compile(TOKEN + ":[ \\t]*([\\x21-\\x7e]([\\x20-\\x7e\\t]*[\\x21-\\x7e])?)?[ \\t]*");

    /** What happened on one backend connection. */
    public enum Kind {
        /** A complete request (head and framed body). */
        REQUEST,
        /** The connection ended after part of a request: the dyno could act on nothing. */
        ABORTED,
        /** Bytes the backend could not frame as a request; it closed the connection. */
        UNFRAMEABLE
    }

    /** One request (or broken remainder) as read on connection {@code connection}. */
    public record Event(Kind kind, int connection, String head, byte[] body, String problem) {
        public String requestLine() {
            int end = head.indexOf("\r\n");
            return end < 0 ? head : head.substring(0, end);
        }

        /** Why this request is not a single unambiguous HTTP/1.1 request, or null when it is. */
        public String ambiguity() {
            if (kind != Kind.REQUEST) {
                return kind + ": " + problem;
            }
            return RecordingBackend.ambiguity(head);
        }

        @Override
        public String toString() {
            return kind + "#" + connection + " " + RawHttp.printable(head)
                    + (body.length > 0 ? " body=" + RawHttp.printable(new String(body, StandardCharsets.ISO_8859_1)) : "")
                    + (problem != null ? " (" + problem + ")" : "");
        }
    }

    /** What the backend writes for a complete request; the default is {@code 200 ok}. */
    @FunctionalInterface
    public interface Responder {
        /** Writes the answer to {@code request}; returns false to close the connection after it. */
        boolean respond(Event request, OutputStream out) throws IOException;
    }

    private final ServerSocket server;
    private final Responder responder;
    private final Thread acceptor;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final AtomicInteger connections = new AtomicInteger();
    private volatile boolean closed;

    private RecordingBackend(int port, Responder responder) throws IOException {
        this.responder = responder;
        server = new ServerSocket(port, 64, InetAddress.getByName("127.0.0.1"));
        acceptor = new Thread(this::accept, "recording-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static RecordingBackend start() throws IOException {
        return start(0, (request, out) -> {
            out.write(request.head().startsWith("HEAD ") ? OK_HEAD : OK);
            return true;
        });
    }

    /** A backend on 127.0.0.1:{@code port} (0: any free port) that answers through {@code responder}. */
    public static RecordingBackend start(int port, Responder responder) throws IOException {
        return new RecordingBackend(port, responder);
    }

    public InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    /** Every event so far, in the order they were read. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    /** Forgets the events so far (a fuzz iteration starts afresh; connection numbers keep counting). */
    public void clearEvents() {
        events.clear();
    }

    /** Connections accepted so far; the next one is numbered one more. */
    public int connectionsAccepted() {
        return connections.get();
    }

    /** Connections accepted and not yet ended. */
    public int openConnections() {
        return sockets.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int id = connections.incrementAndGet();
                Thread t = new Thread(() -> serve(s, id), "recording-backend-" + id);
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            s.setSoTimeout(30_000);
            Reader in = new Reader(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (!closed) {
                if (!in.fill(1)) {
                    return; // clean end between requests
                }
                Event e = readRequest(in, id);
                events.add(e);
                if (e.kind() != Kind.REQUEST) {
                    return;
                }
                boolean keepOpen = responder.respond(e, out);
                out.flush();
                if (!keepOpen) {
                    return;
                }
            }
        } catch (IOException e) {
            // the router closed the connection: recorded where it mattered
        } finally {
            sockets.remove(s);
        }
    }

    private static Event readRequest(Reader in, int id) throws IOException {
        int headEnd = in.indexOf("\r\n\r\n", MAX_HEAD);
        if (headEnd < 0) {
            return broken(in, id, in.eof ? Kind.ABORTED : Kind.UNFRAMEABLE, "no end of head");
        }
        String head = in.take(headEnd + 4);
        head = head.substring(0, head.length() - 4);
        String framing = framingProblem(head);
        if (framing != null) {
            return new Event(Kind.UNFRAMEABLE, id, head, new byte[0], framing);
        }
        String te = header(head, "transfer-encoding");
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (te != null) {
            while (true) {
                int lineEnd = in.indexOf("\r\n", 64);
                if (lineEnd < 0) {
                    return new Event(in.eof ? Kind.ABORTED : Kind.UNFRAMEABLE, id, head, body.toByteArray(),
                            "no chunk size line");
                }
                String sizeLine = in.take(lineEnd + 2).trim();
                int semi = sizeLine.indexOf(';');
                String hex = semi < 0 ? sizeLine : sizeLine.substring(0, semi);
                long size;
                try {
                    if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                        throw new NumberFormatException(hex);
                    }
                    size = Long.parseLong(hex, 16);
                } catch (NumberFormatException e) {
                    return new Event(Kind.UNFRAMEABLE, id, head, body.toByteArray(), "chunk size '" + sizeLine + "'");
                }
                if (size == 0) {
                    int trailerEnd = in.indexOf("\r\n", 8192); // trailers are not expected from the router
                    if (trailerEnd != 0) {
                        return new Event(in.eof ? Kind.ABORTED : Kind.UNFRAMEABLE, id, head, body.toByteArray(),
                                "trailer section");
                    }
                    in.take(2);
                    break;
                }
                if (!in.fill((int) size + 2)) {
                    return new Event(Kind.ABORTED, id, head, body.toByteArray(), "chunk cut short");
                }
                body.writeBytes(in.takeBytes((int) size));
                if (!in.take(2).equals("\r\n")) {
                    return new Event(Kind.UNFRAMEABLE, id, head, body.toByteArray(), "no CRLF after chunk");
                }
            }
        } else {
            String cl = header(head, "content-length");
            int length = cl == null ? 0 : Integer.parseInt(cl.trim());
            if (!in.fill(length)) {
                return new Event(Kind.ABORTED, id, head, in.takeBytes(in.available()), "body cut short");
            }
            body.writeBytes(in.takeBytes(length));
        }
        return new Event(Kind.REQUEST, id, head, body.toByteArray(), null);
    }

    private static Event broken(Reader in, int id, Kind kind, String problem) {
        return new Event(kind, id, new String(in.takeBytes(in.available()), StandardCharsets.ISO_8859_1), new byte[0],
                problem);
    }

    /** Framing the backend cannot trust: both or repeated CL/TE, a TE other than chunked, a bad CL. */
    private static String framingProblem(String head) {
        List<String> cl = headers(head, "content-length");
        List<String> te = headers(head, "transfer-encoding");
        if (!cl.isEmpty() && !te.isEmpty()) {
            return "both Content-Length and Transfer-Encoding";
        }
        if (cl.size() > 1 || te.size() > 1) {
            return "repeated framing header";
        }
        if (!cl.isEmpty() && !cl.get(0).trim().matches("[0-9]{1,9}")) {
            return "Content-Length '" + cl.get(0) + "'";
        }
        if (!te.isEmpty() && !te.get(0).trim().equalsIgnoreCase("chunked")) {
            return "Transfer-Encoding '" + te.get(0) + "'";
        }
        return null;
    }

    /** Why a request head is not a single unambiguous HTTP/1.1 request head, or null when it is. */
    static String ambiguity(String head) {
        String[] lines = head.split("\r\n", -1);
        if (!REQUEST_LINE.matcher(lines[0]).matches()) {
            return "request line '" + RawHttp.printable(lines[0]) + "'";
        }
        for (int i = 1; i < lines.length; i++) {
            if (!HEADER_LINE.matcher(lines[i]).matches()) {
                return "header line '" + RawHttp.printable(lines[i]) + "'";
            }
        }
        List<String> hosts = headers(head, "host");
        if (hosts.size() != 1) {
            return hosts.size() + " Host headers";
        }
        return framingProblem(head);
    }

    private static String header(String head, String name) {
        List<String> all = headers(head, name);
        return all.isEmpty() ? null : all.get(0);
    }

    private static List<String> headers(String head, String name) {
        List<String> found = new ArrayList<>();
        String[] lines = head.split("\r\n", -1);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0 && lines[i].substring(0, colon).toLowerCase(Locale.ROOT).equals(name)) {
                found.add(lines[i].substring(colon + 1).trim());
            }
        }
        return found;
    }

    @Override
    public void close() {
        closed = true;
        Sockets.closeQuietly(server);
        Sockets.closeQuietly(sockets);
        try {
            acceptor.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A growable byte window over a socket's input. */
    private static final class Reader {
        private final InputStream in;
        private byte[] buf = new byte[8192];
        private int start;
        private int end;
        boolean eof;

        Reader(InputStream in) {
            this.in = in;
        }

        int available() {
            return end - start;
        }

        /** Reads until {@code n} bytes are buffered; false at end of stream before that. */
        boolean fill(int n) throws IOException {
            while (end - start < n) {
                if (eof) {
                    return false;
                }
                if (buf.length - end < Math.max(n - (end - start), 4096)) {
                    byte[] bigger = new byte[Math.max(buf.length * 2, n + 4096)];
                    System.arraycopy(buf, start, bigger, 0, end - start);
                    end -= start;
                    start = 0;
                    buf = bigger;
                }
                int r = in.read(buf, end, buf.length - end);
                if (r < 0) {
                    eof = true;
                    return false;
                }
                end += r;
            }
            return true;
        }

        /** Offset of {@code needle} from the window start, reading up to {@code limit} bytes; -1 if absent. */
        int indexOf(String needle, int limit) throws IOException {
            byte[] n = needle.getBytes(StandardCharsets.ISO_8859_1);
            int from = 0;
            while (true) {
                for (int i = from; i + n.length <= end - start; i++) {
                    boolean match = true;
                    for (int j = 0; j < n.length && match; j++) {
                        match = buf[start + i + j] == n[j];
                    }
                    if (match) {
                        return i;
                    }
                }
                from = Math.max(0, end - start - n.length + 1);
                if (end - start >= limit || !fill(end - start + 1)) {
                    return -1;
                }
            }
        }

        String take(int n) {
            return new String(takeBytes(n), StandardCharsets.ISO_8859_1);
        }

        byte[] takeBytes(int n) {
            byte[] out = new byte[n];
            System.arraycopy(buf, start, out, 0, n);
            start += n;
            return out;
        }
    }
}
