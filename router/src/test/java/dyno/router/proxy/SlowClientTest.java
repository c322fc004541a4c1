package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Slowloris and idle clients are cut off by the header and idle timeouts (1 s and 1.5 s here). */
@Tag("reliability")
@Timeout(value = 15, unit = TimeUnit.SECONDS)
class SlowClientTest {
    private static final Logger logger = LoggerFactory.getLogger(SlowClientTest.class);
    private static final long HEADER_MS = 1000;
    private static final long IDLE_MS = 1500;
    private static final String GOOD = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    /** A head that never ends: 79 bytes, about 8 s at one byte per 100 ms. */
    private static final String ENDLESS = "GET / HTTP/1.1\r\nHost: x\r\nX-Pad: " + "a".repeat(47);

    private static RouterFixture fx;

    @BeforeAll
    static void start() throws IOException {
        fx = new RouterFixture(b -> b.headerTimeout(Duration.ofMillis(HEADER_MS)).idleTimeout(Duration.ofMillis(IDLE_MS)));
        fx.addBackend("web.1");
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    private static Socket connect() throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", fx.router.port()), 2000);
        s.setSoTimeout(5000);
        return s;
    }

    /** Writes one byte every 100 ms from another thread until done or the write fails; returns bytes sent. */
    private static Thread trickle(OutputStream out, String text, AtomicInteger sent) {
        Thread t = new Thread(() -> {
            try {
                for (byte b : text.getBytes(StandardCharsets.ISO_8859_1)) {
                    out.write(b);
                    out.flush();
                    sent.incrementAndGet();
                    Thread.sleep(100);
                }
            } catch (IOException | InterruptedException e) {
                // cut off: what the test waits for
            }
        }, "slowloris");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Reads until the router closes; returns what it sent. */
    private static String readToClose(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        byte[] buf = new byte[1024];
        try {
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                got.write(buf, 0, r);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("not closed within 5 s; got " + got.toString(StandardCharsets.ISO_8859_1), e);
        } catch (IOException e) {
            // reset: closed
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    /** Reads one Content-Length response (the test backend's) off a kept-alive connection. */
    private static String readResponse(InputStream in) throws IOException {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        while (RawHttp.statuses(got.toString(StandardCharsets.ISO_8859_1)).isEmpty()) {
            int b = in.read();
            if (b < 0) {
                throw new AssertionError("closed before a response: " + got);
            }
            got.write(b);
        }
        return got.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void cutsOffAHeadTrickledOneBytePer100Ms() throws Exception {
        try (Socket s = connect()) {
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            Thread writer = trickle(s.getOutputStream(), ENDLESS, sent);
            String answer = readToClose(s.getInputStream());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            writer.interrupt();
            logger.info("Slowloris (first request): cut off after {} ms, {} of {} bytes sent, header timeout {} ms",
                    ms, sent.get(), ENDLESS.length(), HEADER_MS);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(ms).isBetween(HEADER_MS - 100, HEADER_MS * 8) /* lower bound: never early; upper: wide for a shared CPU */;
            assertThat(sent.get()).as("cut off while still trickling").isLessThan(ENDLESS.length());
        }
        assertThat(RawHttp.exchange(fx.router.port(), GOOD.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n")))
                .startsWith("HTTP/1.1 200");
    }

    @Test
    void cutsOffATrickledHeadOnAKeptAliveConnection() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(GOOD.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
            AtomicInteger sent = new AtomicInteger();
            long start = System.nanoTime();
            Thread writer = trickle(s.getOutputStream(), ENDLESS, sent);
            String answer = readToClose(s.getInputStream());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            writer.interrupt();
            logger.info("Slowloris (second request on a kept-alive connection): cut off after {} ms", ms);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(ms).isBetween(HEADER_MS - 100, HEADER_MS * 8) /* lower bound: never early; upper: wide for a shared CPU */;
            assertThat(sent.get()).isLessThan(ENDLESS.length());
        }
    }

    @Test
    void cutsOffAConnectionThatNeverSendsAHead() throws Exception {
        try (Socket s = connect()) {
            long start = System.nanoTime();
            String answer = readToClose(s.getInputStream());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            logger.info("Silent connection: cut off after {} ms", ms);
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertThat(ms).isBetween(HEADER_MS - 100, HEADER_MS * 8) /* lower bound: never early; upper: wide for a shared CPU */;
        }
    }

    @Test
    void closesAKeptAliveConnectionIdleForTheIdleTimeout() throws Exception {
        try (Socket s = connect()) {
            s.getOutputStream().write(GOOD.getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
            long start = System.nanoTime();
            String after = readToClose(s.getInputStream());
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            logger.info("Idle kept-alive connection: closed after {} ms, idle timeout {} ms", ms, IDLE_MS);
            assertThat(after).as("closed quietly").isEmpty();
            assertThat(ms).isBetween(IDLE_MS - 100, IDLE_MS * 6);
        }
    }

    @Test
    void servesAHeadThatIsSlowButInTime() throws Exception {
        try (Socket s = connect()) {
            String head = "GET / HTTP/1.1\r\nHost: x\r\n\r\n"; // 27 bytes: 0.3 s at one byte per 10 ms
            OutputStream out = s.getOutputStream();
            for (byte b : head.getBytes(StandardCharsets.ISO_8859_1)) {
                out.write(b);
                out.flush();
                Thread.sleep(10);
            }
            assertThat(readResponse(s.getInputStream())).startsWith("HTTP/1.1 200");
        }
    }
}
