package dyno.router.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw socket exchanges with the router, for what a well-behaved client library cannot send. */
public final class RawHttp {
    private RawHttp() {
    }

    /** Sends the bytes, then reads until the server closes or 5 s pass; returns what was read. */
    public static String exchange(int port, String request) throws IOException {
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static String exchange(int port, byte[] request) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(5000);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            return readUntilClose(s.getInputStream());
        }
    }

    static String readUntilClose(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                out.write(buf, 0, r);
            }
        } catch (SocketTimeoutException e) {
            // what we have is the answer
        } catch (IOException e) {
            if (out.size() == 0) {
                throw e;
            }
        }
        return out.toString(StandardCharsets.ISO_8859_1);
    }

    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.[01] (\\d{3})[^\\r\\n]*\\r\\n");
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?im)^content-length:[ \\t]*(\\d+)[ \\t]*$");

    /** What a client saw: the statuses of the complete responses, whether the router closed, the bytes. */
    public record Conversation(List<Integer> statuses, boolean closed, String raw, long millis) {
        @Override
        public String toString() {
            return statuses + (closed ? " closed" : " open") + " after " + millis + " ms: " + printable(raw);
        }
    }

    /**
     * Sends the bytes and reads responses until the router closes, or {@code quietMillis} pass without a
     * byte once at least one response is complete, or {@code maxMillis} pass.
     */
    public static Conversation converse(int port, byte[] request, long quietMillis, long maxMillis) throws IOException {
        long start = System.nanoTime();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        boolean closed = false;
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(50);
            s.getOutputStream().write(request);
            s.getOutputStream().flush();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            long lastByte = System.nanoTime();
            while (true) {
                long now = System.nanoTime();
                if (now - start > maxMillis * 1_000_000L) {
                    break;
                }
                try {
                    int r = in.read(buf);
                    if (r < 0) {
                        closed = true;
                        break;
                    }
                    got.write(buf, 0, r);
                    lastByte = System.nanoTime();
                } catch (SocketTimeoutException e) {
                    if (!statuses(got.toString(StandardCharsets.ISO_8859_1)).isEmpty()
                            && now - lastByte > quietMillis * 1_000_000L) {
                        break;
                    }
                } catch (IOException e) {
                    closed = true; // reset by the router
                    break;
                }
            }
        }
        String raw = got.toString(StandardCharsets.ISO_8859_1);
        return new Conversation(statuses(raw), closed, raw, (System.nanoTime() - start) / 1_000_000L);
    }

    /** Statuses of the complete Content-Length-framed responses at the start of {@code raw}. */
    public static List<Integer> statuses(String raw) {
        List<Integer> found = new ArrayList<>();
        int at = 0;
        while (true) {
            Matcher m = STATUS_LINE.matcher(raw).region(at, raw.length());
            if (!m.lookingAt()) {
                return found;
            }
            int headEnd = raw.indexOf("\r\n\r\n", at);
            if (headEnd < 0) {
                return found;
            }
            Matcher cl = CONTENT_LENGTH.matcher(raw.substring(at, headEnd + 2));
            int length = cl.find() ? Integer.parseInt(cl.group(1)) : 0;
            int end = headEnd + 4 + length;
            if (end > raw.length()) {
                return found;
            }
            found.add(Integer.parseInt(m.group(1)));
            at = end;
        }
    }

    /** The text with CR, LF, NUL and other control or non-ASCII bytes escaped. */
    public static String printable(String s) {
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length() && b.length() < 600; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\x%02x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.length() >= 600 ? b + "..." : b.toString();
    }
}
