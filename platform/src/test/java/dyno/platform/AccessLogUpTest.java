package dyno.platform;

import static dyno.platform.DaemonRoutingTest.awaitUp;
import static dyno.platform.TestApps.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.router.log.AccessLogSettings;
import dyno.runtime.log.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code dyno up --access-log off|FILE --access-log-format ...}: where the router's lines go instead of the app log. */
class AccessLogUpTest {
    @TempDir
    Path dir;

    private Daemon start(List<LogLine> lines, AccessLogSettings accessLog) throws Exception {
        DaemonOptions o = TestApps.options(TestApps.helloApp(dir), List.of("web=1"), null);
        return Daemon.start(new DaemonOptions(o.dir(), null, null, o.formation(), null, o.router(), o.manager(), 0, false,
                accessLog), lines::add);
    }

    private static boolean isRouterLine(LogLine l) {
        return l.source().equals(LogLine.DYNO) && l.dyno().equals("router");
    }

    @Test
    @Timeout(120)
    void aFileGetsTheLinesInItsFormatAndTheAppLogNone() throws Exception {
        Path file = dir.resolve("access.log");
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = start(lines, AccessLogSettings.parse(file.toString(), "clf"))) {
            awaitUp(daemon, 1);
            assertThat(get(daemon.routerPort(), "/").statusCode()).isEqualTo(200);
            await().atMost(10, TimeUnit.SECONDS).until(() -> Files.exists(file) && !Files.readAllLines(file).isEmpty());
            assertThat(Files.readAllLines(file)).singleElement().asString()
                    .matches("127\\.0\\.0\\.1 - - \\[.+] \"GET / HTTP/1\\.1\" 200 \\d+");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        assertThat(lines).noneMatch(AccessLogUpTest::isRouterLine);
    }

    @Test
    @Timeout(120)
    void offWritesNoLineAnywhere() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = start(lines, AccessLogSettings.parse("off", null))) {
            awaitUp(daemon, 1);
            assertThat(get(daemon.routerPort(), "/").statusCode()).isEqualTo(200);
            assertThat(get(daemon.routerPort(), "/").statusCode()).isEqualTo(200);
        }
        assertThat(lines).noneMatch(AccessLogUpTest::isRouterLine);
        assertThat(Files.readString(dir.resolve(".dyno/log"))).doesNotContain("dyno[router]");
    }

    @Test
    @Timeout(120)
    void theAppLogTakesTheChosenFormatByDefault() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = start(lines, AccessLogSettings.parse(null, "json"))) {
            awaitUp(daemon, 1);
            assertThat(get(daemon.routerPort(), "/").statusCode()).isEqualTo(200);
            await().atMost(10, TimeUnit.SECONDS).until(() -> lines.stream().anyMatch(AccessLogUpTest::isRouterLine));
        }
        assertThat(lines.stream().filter(AccessLogUpTest::isRouterLine).map(LogLine::message))
                .allMatch(m -> m.startsWith("{\"at\":\"info\",") && m.contains("\"status\":200"));
    }

    @Test
    void badValuesAreUsageErrorsAndAnUnopenableFileIsOneLine() throws Exception {
        TestApps.helloApp(dir);
        CliTest.Result format = CliTest.dyno("up", "--dir", dir.toString(), "--port", "0", "--access-log-format", "xml");
        assertThat(format.status()).isEqualTo(2);
        assertThat(format.err()).contains("--access-log-format: 'xml' (expected: heroku, json or clf)");

        Path missing = dir.resolve("no/such/access.log");
        CliTest.Result file = CliTest.dyno("up", "--dir", dir.toString(), "--port", "0", "--access-log", missing.toString());
        assertThat(file.status()).isEqualTo(1);
        assertThat(file.err().trim()).isEqualTo("dyno up: --access-log: cannot open " + missing + ": no such directory");
    }
}
