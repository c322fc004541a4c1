package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.RawHttp;
import dyno.router.testing.ScriptedDyno;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    @Test
    void manyLargeUnfinishedHeadsDoNotStopTheRouter() throws Exception {
        try (ScriptedDyno dyno = ScriptedDyno.start(r -> null)) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process router = new ProcessBuilder(java, "-Xmx64m", "-XX:+UseSerialGC", "-cp",
                    System.getProperty("java.class.path"), RouterCommand.class.getName(), "--port", "0", "--threads", "2",
                    "--header-timeout", "60s", "--backend", "127.0.0.1:" + dyno.address().getPort())
                    .redirectErrorStream(true).start();
            List<String> output = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(router.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        output.add(line);
                    }
                } catch (Exception e) {
                    // the router ended
                }
            }, "router-output");
            reader.setDaemon(true);
            reader.start();
            List<Socket> holders = new ArrayList<>();
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> output.stream().anyMatch(l -> LISTENING.matcher(l).find()));
                Matcher m = output.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElseThrow();
                int port = Integer.parseInt(m.group(1));
                byte[] chunk = ("X-Fill: " + "f".repeat(6000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
                int refused = 0;
                for (int i = 0; i < 600; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    holders.add(s);
                    try {
                        OutputStream out = s.getOutputStream();
                        out.write("GET /held HTTP/1.1\r\nHost: app\r\n".getBytes(StandardCharsets.US_ASCII));
                        for (int k = 0; k < 8; k++) {
                            out.write(chunk); // 48 KB of head, never finished
                        }
                        out.flush();
                    } catch (java.io.IOException e) {
                        refused++; // the router refused and closed it before the whole head was written
                    }
                }
                String res = RawHttp.exchange(port, "GET /other HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
                for (Socket s : holders) {
                    if (!s.isClosed() && s.getInputStream().available() > 0) {
                        refused++; // answered (503) while its head was unfinished
                    }
                }
                logger.info("600 unfinished 48 KB heads against a 64 MB heap: {} refused past the head budget; another"
                        + " client got: {}", refused, RawHttp.printable(res.length() > 30 ? res.substring(0, 30) : res));
                assertThat(res).as(String.join("\n", output)).startsWith("HTTP/1.1 200").endsWith("/other");
                assertThat(output).noneMatch(l -> l.contains("OutOfMemoryError"));
                assertThat(router.isAlive()).isTrue();
            } finally {
                for (Socket s : holders) {
                    s.close();
                }
                router.destroy();
                router.waitFor(10, TimeUnit.SECONDS);
                router.destroyForcibly();
            }
        }
    }
}
