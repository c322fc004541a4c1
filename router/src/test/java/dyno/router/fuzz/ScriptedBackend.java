package dyno.router.fuzz;

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
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A dyno stand-in on a plain {@link ServerSocket} of 127.0.0.1 that answers {@code /fuzz/...} with
 * the scripted bytes, exactly as given, and {@code /canary/ID} with a well-formed 200 whose body is
 * {@link #canaryBody(String) canary:ID}. After the scripted bytes it closes the connection, or keeps
 * it (for the router to reuse) until it has been idle for {@link #IDLE_CLOSE_MILLIS}.
 */
final class ScriptedBackend implements AutoCloseable {
    static final int IDLE_CLOSE_MILLIS = 100;
    private static final int MAX_HEAD = 64 * 1024;

    /** What to answer the next {@code /fuzz/} request with. */
    record Script(byte[] response, boolean closeAfter) {
    }

    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile Script script = new Script(new byte[0], true);
    private volatile boolean closed;

    ScriptedBackend() throws IOException {
        server = new ServerSocket(0, 64, InetAddress.getByName("127.0.0.1"));
        Thread acceptor = new Thread(this::accept, "scripted-backend-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static String canaryBody(String id) {
        return "canary:" + id;
    }

    InetSocketAddress address() {
        return new InetSocketAddress("127.0.0.1", server.getLocalPort());
    }

    void script(Script next) {
        script = next;
    }

    int openConnections() {
        return sockets.size();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "scripted-backend-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true);
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            ByteArrayOutputStream buffered = new ByteArrayOutputStream();
            while (!closed) {
                String head = readHead(in, buffered);
                if (head == null) {
                    return;
                }
                String target = head.split(" ", 3).length > 1 ? head.split(" ", 3)[1] : "";
                if (target.startsWith("/fuzz/")) {
                    Script now = script;
                    out.write(now.response());
                    out.flush();
                    if (now.closeAfter()) {
                        return;
                    }
                    s.setSoTimeout(IDLE_CLOSE_MILLIS);
                } else if (target.startsWith("/canary/")) {
                    String body = canaryBody(target.substring("/canary/".length()));
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length()
                            + "\r\n\r\n" + body).getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                } else {
                    out.write("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                }
            }
        } catch (SocketTimeoutException e) {
            // idle after a scripted answer: close
        } catch (IOException e) {
            // the router closed
        } finally {
            sockets.remove(s);
        }
    }

    /** The next request head (requests to this backend carry no body), or null at the end of the stream. */
    private static String readHead(InputStream in, ByteArrayOutputStream buffered) throws IOException {
        while (true) {
            String text = buffered.toString(StandardCharsets.ISO_8859_1);
            int end = text.indexOf("\r\n\r\n");
            if (end >= 0) {
                buffered.reset();
                buffered.write(text.substring(end + 4).getBytes(StandardCharsets.ISO_8859_1));
                return text.substring(0, end);
            }
            if (text.length() > MAX_HEAD) {
                return null;
            }
            byte[] buf = new byte[4096];
            int r = in.read(buf);
            if (r < 0) {
                return null;
            }
            buffered.write(buf, 0, r);
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
