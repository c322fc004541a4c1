package dyno.router.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** One HTTP/1.1 keep-alive client connection to 127.0.0.1, one GET at a time. */
public final class HttpConnection implements AutoCloseable {
    private final Socket socket;

    /** A response: its status, its head (status line and headers) and its body. */
    public record Response(int status, String head, String body) {
    }

    private HttpConnection(Socket socket) {
        this.socket = socket;
    }

    /** Connects; reads time out after 30 s. */
    public static HttpConnection open(int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            s.setTcpNoDelay(true);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new HttpConnection(s);
    }

    /** Sends {@code GET path} (with {@code Connection: close} when asked) and reads the response; null if closed first. */
    public Response get(String path, boolean close) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: router\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        InputStream in = socket.getInputStream(); // read byte by byte: nothing of the next response read ahead
        String head = readHead(in);
        if (head == null) {
            return null;
        }
        return new Response(Integer.parseInt(head.substring(9, 12)), head, readBody(in, head));
    }

    private static String readHead(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        while (b.length() < 4 || b.lastIndexOf("\r\n\r\n") != b.length() - 4) {
            int c = in.read();
            if (c < 0) {
                if (b.length() == 0) {
                    return null;
                }
                throw new IOException("connection closed in a response head: " + RawHttp.printable(b.toString()));
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
                int size = Integer.parseInt(readLine(in).split(";")[0].strip(), 16);
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

    @Override
    public void close() {
        Sockets.closeQuietly(socket);
    }
}
