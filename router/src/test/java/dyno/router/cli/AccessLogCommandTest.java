package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterProcess;
import dyno.router.testing.TestBackend;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dyno router --access-log stdout|off|FILE --access-log-format heroku|json|clf}, as a real process. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccessLogCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> JVM = List.of("-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** A value that is bare in logfmt, or a quoted one with only escaped quotes and backslashes inside. */
    private static final String LOGFMT_VALUE = "(?:[A-Za-z0-9.\\-_:\\[\\]~%]*|\"(?:[^\"\\\\\\p{Cntrl}]|\\\\[\"\\\\])*\")";
    private static final Pattern HEROKU_LINE = Pattern.compile("at=(?:info|error)(?: code=H\\d\\d)?(?: desc=" + LOGFMT_VALUE
            + ")? method=" + LOGFMT_VALUE + " path=" + LOGFMT_VALUE + " host=" + LOGFMT_VALUE + " request_id=[\\w-]*"
            + " fwd=" + LOGFMT_VALUE + " dyno=(?:web\\.1)? connect=(?:\\d+ms)? service=(?:\\d+ms)? status=\\d{3}"
            + " bytes=\\d* protocol=http(?: retries=\\d+)?");
    private static final Pattern CLF_LINE = Pattern.compile("[!-~]+ - - \\[\\d\\d/[A-Z][a-z]{2}/\\d{4}:\\d\\d:\\d\\d:\\d\\d"
            + " [+-]\\d{4}] \"(?:[ -~&&[^\"\\\\]]|\\\\[\"\\\\]|\\\\x[0-9a-f]{2})*\" \\d{3} (?:\\d+|-)");
    /** Lines the router prints that are not access lines: its own, and its logger's (HH:mm:ss.SSS LEVEL ...). */
    private static final Pattern NOT_ACCESS = Pattern.compile("dyno router (?:listening|stopping).*|\\d\\d:\\d\\d:\\d\\d\\.\\d{3} .*");

    /** A served request, then what a client may send to break a log line: each is logged, served or refused. */
    private static final List<String> REQUESTS = List.of(
            "GET /hello HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n",
            "GET /a\"b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: x\" status=200 dyno=web.9\r\nConnection: close\r\n\r\n",
            "GET /x\u0001y\\z HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: a\" b\r\nConnection: close\r\n\r\n",
            "GET /x HTTP/1.1\r\nHost: h\u00e9st\r\nConnection: close\r\n\r\n",
            "GET /q?a=\\b HTTP/1.0\r\n\r\n");

    @Test
    void herokuLinesGoToStdoutByDefaultAndNoClientValueBreaksOne() throws Exception {
        List<String> lines = accessLinesOnStdout(List.of());
        lines.forEach(l -> assertThat(l).matches(HEROKU_LINE));
        assertThat(lines.get(0)).startsWith("at=info method=GET path=\"/hello\" host=localhost request_id=")
                .contains(" dyno=web.1 ").contains(" status=200 bytes=3 protocol=http");
        assertThat(lines).anyMatch(l -> l.contains(" host=\"x\\\" status=200 dyno=web.9\" "))
                .anyMatch(l -> l.contains(" path=\"/x y\\\\z\" ")) // a control byte becomes a space
                .anyMatch(l -> l.contains(" fwd=\"a\\\" b, 127.0.0.1\" "));
    }

    @Test
    void jsonLinesParseWithEveryFieldAndKeepHostileValuesIntact() throws Exception {
        List<String> lines = accessLinesOnStdout(List.of("--access-log-format", "json"));
        List<JsonNode> nodes = new ArrayList<>();
        for (String l : lines) {
            assertThat(l).matches("\\{[ -~]*}"); // ASCII only, one object
            nodes.add(JSON.readTree(l));
        }
        JsonNode ok = nodes.get(0);
        assertThat(ok.get("at").asText()).isEqualTo("info");
        assertThat(ok.get("method").asText()).isEqualTo("GET");
        assertThat(ok.get("path").asText()).isEqualTo("/hello");
        assertThat(ok.get("host").asText()).isEqualTo("localhost");
        assertThat(ok.get("request_id").asText()).hasSizeGreaterThanOrEqualTo(20);
        assertThat(ok.get("fwd").asText()).isEqualTo("127.0.0.1");
        assertThat(ok.get("dyno").asText()).isEqualTo("web.1");
        assertThat(ok.get("connect").isIntegralNumber()).isTrue();
        assertThat(ok.get("service").isIntegralNumber()).isTrue();
        assertThat(ok.get("status").asInt()).isEqualTo(200);
        assertThat(ok.get("bytes").asLong()).isEqualTo(3);
        assertThat(ok.get("protocol").asText()).isEqualTo("http");
        assertThat(ok.get("retries").asInt()).isZero();
        assertThat(nodes).extracting(n -> n.get("host").asText()).contains("x\" status=200 dyno=web.9", "h\u00e9st");
        assertThat(nodes).extracting(n -> n.get("path").asText()).contains("/a\"b", "/x\u0001y\\z", "/q?a=\\b");
        assertThat(nodes).extracting(n -> n.get("fwd").asText()).contains("a\" b, 127.0.0.1");
        assertThat(nodes).filteredOn(n -> n.get("at").asText().equals("error")).hasSize(3) // refused by the router
                .allMatch(n -> n.get("status").asInt() == 400 && n.get("desc").asText().startsWith("Bad request")
                        && n.get("code").isNull() && n.get("dyno").isNull() && n.get("bytes").isNull());
    }

    @Test
    void clfLinesAreCommonLogFormatWithHostileBytesEscaped() throws Exception {
        List<String> lines = accessLinesOnStdout(List.of("--access-log-format", "clf"));
        lines.forEach(l -> assertThat(l).matches(CLF_LINE));
        assertThat(lines.get(0)).startsWith("127.0.0.1 - - [").endsWith("] \"GET /hello HTTP/1.1\" 200 3");
        assertThat(lines).anyMatch(l -> l.contains("\"GET /a\\\"b HTTP/1.1\" "))
                .anyMatch(l -> l.endsWith("\"GET /x\\x01y\\\\z HTTP/1.1\" 400 -"))
                .anyMatch(l -> l.contains("\"GET /q?a=\\\\b HTTP/1.0\" "));
    }

    @Test
    void aFileGetsTheLinesAndStdoutNone(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        try (TestBackend backend = TestBackend.start("one");
             RouterProcess router = RouterProcess.start(null, JVM, List.of("--threads", "1", "--backend",
                     "127.0.0.1:" + backend.address().getPort(), "--access-log", file.toString(),
                     "--access-log-format", "json"))) {
            assertThat(RawHttp.exchange(router.port(), REQUESTS.get(0))).startsWith("HTTP/1.1 200");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() == 1);
            assertThat(JSON.readTree(Files.readAllLines(file).get(0)).get("status").asInt()).isEqualTo(200);
            assertThat(router.output()).allMatch(l -> NOT_ACCESS.matcher(l).matches());
        }
    }

    @Test
    void offWritesNoLine() throws Exception {
        try (TestBackend backend = TestBackend.start("one");
             RouterProcess router = RouterProcess.start(null, JVM, List.of("--threads", "1", "--backend",
                     "127.0.0.1:" + backend.address().getPort(), "--access-log", "off"))) {
            for (String request : REQUESTS) {
                RawHttp.exchange(router.port(), request);
            }
            assertThat(backend.requests()).isPositive();
            router.close(); // SIGTERM: the router stops, and a writer would have written everything queued
            await().atMost(Duration.ofSeconds(10)).until(() -> !router.isAlive());
            assertThat(router.output()).allMatch(l -> NOT_ACCESS.matcher(l).matches());
        }
    }

    @Test
    void badValuesAreUsageErrorsNamingTheFlagAndWhatItTakes() {
        assertThat(run("--access-log-format", "xml"))
                .isEqualTo("2 --access-log-format: 'xml' (expected: heroku, json or clf)");
        assertThat(run("--access-log", "")).isEqualTo("2 --access-log: '' (expected: stdout, off or a file path)");
    }

    @Test
    void aFileThatCannotBeOpenedIsOneLineAndExitOne(@TempDir Path dir) {
        Path file = dir.resolve("missing/access.log");
        assertThat(run("--access-log", file.toString()))
                .isEqualTo("1 dyno router: --access-log: cannot open " + file + ": no such directory");
    }

    /** Exit status and the first line on stderr. */
    private static String run(String... flags) {
        List<String> args = new ArrayList<>(List.of("--port", "0", "--backend", "127.0.0.1:1"));
        args.addAll(List.of(flags));
        StringWriter err = new StringWriter();
        int code = new CommandLine(new RouterCommand()).setErr(new PrintWriter(err, true)).execute(args.toArray(String[]::new));
        String text = err.toString();
        if (code == 1) {
            assertThat(text.trim()).doesNotContain("\n").doesNotContain("Exception"); // one line, no stack trace
        }
        return code + " " + text.lines().findFirst().orElse("");
    }

    /** Sends {@link #REQUESTS} to a router writing to stdout with {@code flags}; its access lines, in order. */
    private static List<String> accessLinesOnStdout(List<String> flags) throws Exception {
        try (TestBackend backend = TestBackend.start("one")) {
            List<String> args = new ArrayList<>(List.of("--threads", "1", "--backend", "127.0.0.1:" + backend.address().getPort()));
            args.addAll(flags);
            try (RouterProcess router = RouterProcess.start(null, JVM, args)) {
                for (String request : REQUESTS) {
                    RawHttp.exchange(router.port(), request); // one byte a char: \u00e9 is the byte 0xe9
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> accessLines(router).size() >= REQUESTS.size());
                List<String> lines = accessLines(router);
                assertThat(lines).as(String.join("\n", router.output())).hasSize(REQUESTS.size());
                return lines;
            }
        }
    }

    private static List<String> accessLines(RouterProcess router) {
        return router.output().stream().filter(l -> !NOT_ACCESS.matcher(l).matches()).toList();
    }
}
