package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.KeepAliveLoad;
import dyno.router.testing.RouterProcess;
import dyno.router.testing.TestBackend;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dyno router --config FILE} in its own JVM, reloaded with {@code kill -HUP} while clients send
 * requests on keep-alive connections: backends added, removed (drained) and re-weighted, the balance
 * changed, a bad file refused; no request fails. Then the listener moves to another port while a
 * connection accepted before stays served.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ConfigReloadEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void reloadsUnderLoadWithoutAFailedRequest() throws Exception {
        Path file = dir.resolve("router.json");
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
             TestBackend c = TestBackend.start("c")) {
            Files.writeString(file, """
                    {"port": 0, "host": "127.0.0.1", "threads": 1, "access-log": "off",
                     "backends": ["%s", "%s"]}
                    """.formatted(hostPort(a), hostPort(b)));
            try (RouterProcess router = RouterProcess.startWith(List.of("--config", file.toString()))) {
                AtomicInteger port = new AtomicInteger(router.port());
                KeepAliveLoad load = KeepAliveLoad.start(port::get, "/slow?ms=5", 4, 1500, 25);
                await().atMost(Duration.ofSeconds(30)).until(() -> load.completed() > 200);

                // add c at weight 2, drop b, change the balance and a timeout: one reload
                Files.writeString(file, """
                        {"port": 0, "host": "127.0.0.1", "threads": 1, "access-log": "off",
                         "balance": "least-conn", "request-timeout": "20s",
                         "backends": ["%s", {"address": "%s", "weight": 2}]}
                        """.formatted(hostPort(a), hostPort(c)));
                router.signal("HUP");
                await().atMost(Duration.ofSeconds(20)).until(() -> has(router, "desc=\"Reloaded\""));
                assertThat(line(router, "desc=\"Reloaded\"")).contains("added=\"web.3\"").contains("removed=\"web.2\"")
                        .contains("balance").contains("request-timeout");
                int bAfter = b.requests();
                await().atMost(Duration.ofSeconds(30)).until(() -> c.requests() > 50);
                assertThat(b.requests()).as("a removed backend gets nothing new").isEqualTo(bAfter);

                // a broken file changes nothing and says why
                Files.writeString(file, "{\"port\": 0, \"backends\": [\"" + hostPort(a) + "\"],\n \"balance\": \"fastest\"}");
                router.signal("HUP");
                await().atMost(Duration.ofSeconds(20)).until(() -> has(router, "desc=\"Reload failed\""));
                assertThat(line(router, "desc=\"Reload failed\"")).contains("balance").contains("fastest");
                int cBefore = c.requests();
                await().atMost(Duration.ofSeconds(30)).until(() -> c.requests() > cBefore + 20);

                assertThat(load.await(120, TimeUnit.SECONDS)).as("load finished").isTrue();
                assertThat(load.failures).as("failed requests").isEmpty();
                assertThat(load.completed()).isEqualTo(4 * 1500);

                // the listener moves: a connection open before keeps being served, new ones go to the new port
                try (Socket open = new Socket(InetAddress.getLoopbackAddress(), port.get())) {
                    assertThat(get(open)).isIn("a", "c");
                    int next = freePort();
                    Files.writeString(file, """
                            {"port": %d, "host": "127.0.0.1", "threads": 1, "access-log": "off",
                             "backends": ["%s", {"address": "%s", "weight": 2}]}
                            """.formatted(next, hostPort(a), hostPort(c)));
                    router.signal("HUP");
                    await().atMost(Duration.ofSeconds(20)).until(() -> router.output().stream()
                            .filter(l -> l.contains("desc=\"Reloaded\"")).count() == 2);
                    assertThat(line(router, "listen=127.0.0.1:" + next)).contains("desc=\"Reloaded\"");
                    assertThat(get(open)).as("served on the connection accepted before the move").isIn("a", "c");
                    try (Socket moved = new Socket(InetAddress.getLoopbackAddress(), next)) {
                        assertThat(get(moved)).isIn("a", "c");
                    }
                    int old = port.get();
                    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), old).close())
                            .isInstanceOf(java.net.ConnectException.class);
                }
                assertThat(router.isAlive()).isTrue();
            }
        }
    }

    /** One keep-alive GET / on {@code s}; the body. */
    private static String get(Socket s) throws java.io.IOException {
        s.setSoTimeout(10_000);
        s.getOutputStream().write("GET / HTTP/1.1\r\nHost: router\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        s.getOutputStream().flush();
        var in = new java.io.DataInputStream(s.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        var m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        assertThat(head.toString()).startsWith("HTTP/1.1 200");
        assertThat(m.find()).as(head.toString()).isTrue();
        byte[] body = new byte[Integer.parseInt(m.group(1))];
        in.readFully(body);
        return new String(body, StandardCharsets.UTF_8);
    }

    private static boolean has(RouterProcess router, String text) {
        return router.output().stream().anyMatch(l -> l.contains(text));
    }

    private static String line(RouterProcess router, String text) {
        return router.output().stream().filter(l -> l.contains(text)).findFirst().orElseThrow();
    }

    private static String hostPort(TestBackend b) {
        return "127.0.0.1:" + b.address().getPort();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
