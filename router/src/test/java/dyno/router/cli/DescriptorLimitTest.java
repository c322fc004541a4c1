package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterProcess;
import dyno.router.testing.ScriptedDyno;
import dyno.router.testing.ScriptedDyno.Part;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code dyno router} in its own JVM with few file descriptors left (a low open-file limit, most of
 * it already taken), flooded with slow requests until accepts and dyno connects fail with EMFILE.
 * The router must blame itself, not the dyno (no H10/H21, no quarantine: the next request is served
 * at once), and must not spin on failed accepts.
 */
@Tag("reliability")
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DescriptorLimitTest {
    private static final Logger logger = LoggerFactory.getLogger(DescriptorLimitTest.class);

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll"})
    void outOfDescriptorsBlamesNoDynoAndDoesNotSpin(String transport) throws Exception {
        Map<String, List<Part>> script = Map.of("GET /slow", List.of(Part.later(3000, ScriptedDyno.ok("slow"))));
        List<Socket> clients = new ArrayList<>();
        // 256 open files, 140 of them taken before the JVM starts: EMFILE comes after a few dozen connections.
        try (ScriptedDyno dyno = ScriptedDyno.start(script::get);
             RouterProcess router = RouterProcess.start(
                     "ulimit -n 256 && for fd in $(seq 20 160); do eval \"exec $fd</dev/null\"; done",
                     List.of("-Xmx96m", "-XX:+UseSerialGC", "-Ddyno.transport=" + transport),
                     List.of("--threads", "1", "--backend", "127.0.0.1:" + dyno.address().getPort()))) {
            int port = router.port();
            // One request first loads the classes of a normal exchange: here they come from class files,
            // which at the limit could not be opened (the shipped jar is open already).
            assertThat(RawHttp.exchange(port, "GET /warm HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n"))
                    .startsWith("HTTP/1.1 200");
            for (int i = 0; i < 120; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                s.getOutputStream().write("GET /slow HTTP/1.1\r\nHost: app\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                clients.add(s);
            }
            Thread.sleep(2000); // the flood sits at the limit: accepts and connects failing
            long acceptFailures = router.output().stream().filter(l -> l.toLowerCase(Locale.ROOT).contains("accept"))
                    .count();
            for (Socket s : clients) {
                s.close();
            }
            // Served within 2 s, once the router has seen the closes (a quarantine would last 5 s): the
            // dyno was not blamed, and the router accepts again.
            String res = "";
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            do {
                res = RawHttp.exchange(port, "GET /after HTTP/1.1\r\nHost: app\r\nConnection: close\r\n\r\n");
            } while (!res.startsWith("HTTP/1.1 200") && System.nanoTime() < deadline && pause(100));
            List<String> output = router.output();
            logger.info("{}: {} accept failure lines in 2 s at the limit; H99 answers: {}; then: {}", transport,
                    acceptFailures, output.stream().filter(l -> l.contains("code=H99")).count(),
                    RawHttp.printable(res.length() > 40 ? res.substring(0, 40) : res));
            assertThat(res).as(String.join("\n", output)).startsWith("HTTP/1.1 200");
            assertThat(output).noneMatch(l -> l.contains("code=H10") || l.contains("code=H21"));
            assertThat(acceptFailures).as(String.join("\n", output)).isLessThan(20);
        } finally {
            for (Socket s : clients) {
                s.close();
            }
        }
    }

    private static boolean pause(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
