package dyno.router.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class AccessLogFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long AT = 1_764_337_586_123L;
    /** Everything a client could put into a logged value to break a line or add a field. */
    private static final List<String> HOSTILE = List.of("x\" status=200 dyno=web.9", "a\nat=info path=\"/x\"",
            "a\r\nb", "tab\there", "nul\0bell\u0007del\u007f", "back\\slash\\\"", "caf\u00e9 \u2028 \ud83d\ude00 \ud800",
            "quote\"", "}{\"at\":\"info\"", "] \"GET / HTTP/1.1\" 200 1");

    private static AccessRecord served() {
        return new AccessRecord(AT, null, null, "GET", "/hello?x=1", "localhost:5006",
                "0f8fad5b-d9cb-469f-a165-70867728950e", "203.0.113.7, 127.0.0.1", "web.1", 0, 3, 200, 1234, "HTTP/1.1", 0);
    }

    private static AccessRecord noDyno() {
        return new AccessRecord(AT, "H14", "No web processes running", "GET", "/", "localhost:5006", "rid", "127.0.0.1",
                null, -1, -1, 503, -1, "HTTP/1.0", 0);
    }

    private static AccessRecord hostile(String s) {
        return new AccessRecord(AT, null, "Bad request: " + s, s, "/p" + s, s, "rid", s + ", 127.0.0.1", null, -1, -1,
                400, -1, "HTTP/1.1", 0);
    }

    @Test
    void herokuLinesAreTheRoutersLogfmtLinesByteForByte() {
        assertThat(AccessLogFormat.HEROKU.format(served())).isEqualTo("at=info method=GET path=\"/hello?x=1\""
                + " host=localhost:5006 request_id=0f8fad5b-d9cb-469f-a165-70867728950e fwd=\"203.0.113.7, 127.0.0.1\""
                + " dyno=web.1 connect=0ms service=3ms status=200 bytes=1234 protocol=http");
        assertThat(AccessLogFormat.HEROKU.format(noDyno())).isEqualTo("at=error code=H14 desc=\"No web processes running\""
                + " method=GET path=\"/\" host=localhost:5006 request_id=rid fwd=\"127.0.0.1\" dyno= connect= service="
                + " status=503 bytes= protocol=http");
        AccessRecord retried = new AccessRecord(AT, null, null, "GET", "/", "h", "rid", "127.0.0.1", "web.2", 1, 2, 200, 0,
                "HTTP/1.1", 1);
        assertThat(AccessLogFormat.HEROKU.format(retried)).endsWith(" bytes=0 protocol=http retries=1");
        AccessRecord badRequest = new AccessRecord(AT, null, "Bad request: no Host", "GET", "/", "", "rid", "127.0.0.1",
                null, -1, -1, 400, -1, "HTTP/1.1", 0);
        assertThat(AccessLogFormat.HEROKU.format(badRequest)).startsWith("at=error desc=\"Bad request: no Host\" method=GET");
    }

    @Test
    void jsonLinesCarryTheSameFieldsWithNumbersAsNumbers() throws Exception {
        JsonNode ok = JSON.readTree(AccessLogFormat.JSON.format(served()));
        assertThat(ok.get("at").asText()).isEqualTo("info");
        assertThat(ok.get("code").isNull()).isTrue();
        assertThat(ok.get("desc").isNull()).isTrue();
        assertThat(ok.get("method").asText()).isEqualTo("GET");
        assertThat(ok.get("path").asText()).isEqualTo("/hello?x=1");
        assertThat(ok.get("host").asText()).isEqualTo("localhost:5006");
        assertThat(ok.get("request_id").asText()).isEqualTo("0f8fad5b-d9cb-469f-a165-70867728950e");
        assertThat(ok.get("fwd").asText()).isEqualTo("203.0.113.7, 127.0.0.1");
        assertThat(ok.get("dyno").asText()).isEqualTo("web.1");
        assertThat(ok.get("connect").isIntegralNumber()).isTrue();
        assertThat(ok.get("connect").asLong()).isZero();
        assertThat(ok.get("service").asLong()).isEqualTo(3);
        assertThat(ok.get("status").asInt()).isEqualTo(200);
        assertThat(ok.get("bytes").asLong()).isEqualTo(1234);
        assertThat(ok.get("protocol").asText()).isEqualTo("http");
        assertThat(ok.get("retries").asInt()).isZero();
        assertThat(ok.fieldNames()).toIterable().containsExactly("at", "code", "desc", "method", "path", "host",
                "request_id", "fwd", "dyno", "connect", "service", "status", "bytes", "protocol", "retries");

        JsonNode error = JSON.readTree(AccessLogFormat.JSON.format(noDyno()));
        assertThat(error.get("at").asText()).isEqualTo("error");
        assertThat(error.get("code").asText()).isEqualTo("H14");
        assertThat(error.get("desc").asText()).isEqualTo("No web processes running");
        assertThat(error.get("dyno").isNull()).isTrue();
        assertThat(error.get("connect").isNull()).isTrue();
        assertThat(error.get("bytes").isNull()).isTrue();
        assertThat(error.get("status").asInt()).isEqualTo(503);
    }

    @Test
    void clfLinesAreTheCommonLogFormat() {
        String time = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH)
                .format(Instant.ofEpochMilli(AT).atZone(ZoneId.systemDefault()));
        assertThat(AccessLogFormat.CLF.format(served()))
                .isEqualTo("127.0.0.1 - - [" + time + "] \"GET /hello?x=1 HTTP/1.1\" 200 1234");
        assertThat(AccessLogFormat.CLF.format(noDyno())).isEqualTo("127.0.0.1 - - [" + time + "] \"GET / HTTP/1.0\" 503 -");
    }

    @Test
    void noClientValueBreaksALineOrAddsAFieldInAnyFormat() throws Exception {
        Pattern logfmtLine = Pattern.compile("at=error desc=\"(?:[^\"\\\\]|\\\\.)*\" method=\"(?:[^\"\\\\]|\\\\.)*\""
                + " path=\"(?:[^\"\\\\]|\\\\.)*\" host=\"(?:[^\"\\\\]|\\\\.)*\" request_id=rid fwd=\"(?:[^\"\\\\]|\\\\.)*\""
                + " dyno= connect= service= status=400 bytes= protocol=http");
        Pattern clfLine = Pattern.compile("127\\.0\\.0\\.1 - - \\[[^\\]]+] \"[ -~&&[^\"\\\\]]*(?:\\\\[\"\\\\][ -~&&[^\"\\\\]]*"
                + "|\\\\x[0-9a-f]{2}[ -~&&[^\"\\\\]]*)*\" 400 -");
        for (String s : HOSTILE) {
            AccessRecord r = hostile(s);
            String heroku = AccessLogFormat.HEROKU.format(r);
            assertThat(heroku).as(s).doesNotContain("\n", "\r").matches(logfmtLine);

            String json = AccessLogFormat.JSON.format(r);
            assertThat(json).as(s).matches("[ -~]*"); // printable ASCII only: no line break, no raw control or non-ASCII
            JsonNode node = JSON.readTree(json);
            assertThat(node.get("path").asText()).isEqualTo("/p" + s); // escaped, never altered
            assertThat(node.get("host").asText()).isEqualTo(s);
            assertThat(node.get("desc").asText()).isEqualTo("Bad request: " + s);
            assertThat(node.get("status").asInt()).isEqualTo(400);

            String clf = AccessLogFormat.CLF.format(r);
            assertThat(clf).as(s).matches("[ -~]*").matches(clfLine);
        }
    }

    @Test
    void overflowLinesAreL10InEachFormat() throws Exception {
        StringBuilder b = new StringBuilder();
        AccessLogFormat.HEROKU.appendOverflow(312, b);
        assertThat(b).hasToString("at=error code=L10 desc=\"Drain buffer overflow\" count=312");
        b.setLength(0);
        AccessLogFormat.JSON.appendOverflow(312, b);
        JsonNode node = JSON.readTree(b.toString());
        assertThat(node.get("code").asText()).isEqualTo("L10");
        assertThat(node.get("count").asLong()).isEqualTo(312);
    }

    @Test
    void parsesFormatNamesAndRejectsOthersNamingTheFlag() {
        assertThat(AccessLogFormat.parse("heroku")).isEqualTo(AccessLogFormat.HEROKU);
        assertThat(AccessLogFormat.parse("JSON")).isEqualTo(AccessLogFormat.JSON);
        assertThat(AccessLogFormat.parse("clf")).isEqualTo(AccessLogFormat.CLF);
        assertThatThrownBy(() -> AccessLogFormat.parse("xml"))
                .hasMessage("--access-log-format: 'xml' (expected: heroku, json or clf)");
    }
}
