package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterProcess;
import dyno.router.testing.ScriptedDyno;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dyno router} with a 64 MB heap while 600 clients each hold an unfinished request head of
 * 48 KB (29 MB in all, which the old per-head limits of about 8 MB each would have let grow to
 * OutOfMemoryError): the router refuses what passes its head budget and keeps serving others.
 */
@Tag("reliability")
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UnfinishedHeadsTest {
    private static final Logger logger = LoggerFactory.getLogger(UnfinishedHeadsTest.class);

    @Test
    void manyLargeUnfinishedHeadsDoNotStopTheRouter() throws Exception {
        List<Socket> holders = new ArrayList<>();
        try (ScriptedDyno dyno = ScriptedDyno.start(r -> null);
             RouterProcess router = RouterProcess.start(null, List.of("-Xmx64m", "-XX:+UseSerialGC"),
                     List.of("--threads", "2", "--header-timeout", "60s",
                             "--backend", "127.0.0.1:" + dyno.address().getPort()))) {
            byte[] chunk = ("X-Fill: " + "f".repeat(6000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            int refused = 0;
            for (int i = 0; i < 600; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", router.port()), 2000);
                holders.add(s);
                try {
                    OutputStream out = s.getOutputStream();
                    out.write("GET /held HTTP/1.1\r\nHost: app\r\n".getBytes(StandardCharsets.US_ASCII));
                    for (int k = 0; k < 8; k++) {
                        out.write(chunk); // 48 KB of head, never finished
                    }
                    out.flush();
                } catch (IOException e) {
                    refused++; // the router refused and closed it before the whole head was written
                }
            }
            String res = RawHttp.exchange(router.port(), "GET /other HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
            for (Socket s : holders) {
                if (s.getInputStream().available() > 0) {
                    refused++; // answered (503) while its head was unfinished
                }
            }
            logger.info("600 unfinished 48 KB heads against a 64 MB heap: {} refused past the head budget; another"
                    + " client got: {}", refused, RawHttp.printable(res.length() > 30 ? res.substring(0, 30) : res));
            assertThat(res).as(String.join("\n", router.output())).startsWith("HTTP/1.1 200").endsWith("/other");
            assertThat(router.output()).noneMatch(l -> l.contains("OutOfMemoryError"));
            assertThat(router.isAlive()).isTrue();
        } finally {
            for (Socket s : holders) {
                s.close();
            }
        }
    }
}
