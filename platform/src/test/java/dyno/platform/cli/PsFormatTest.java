package dyno.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PsFormatTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aDynoLineEndsWithItsCpuAndMemoryAgainstItsLimits() throws Exception {
        JsonNode dynos = JSON.readTree("""
                [{"name":"web.1","type":"web","state":"up","size":"Standard-1X","command":"java Hello",
                  "updated_at":"2026-11-28T10:31:02Z","cpu_cores":0.243,"cpu_limit_cores":0.25,
                  "memory_rss_bytes":47185920,"memory_quota_bytes":536870912,"limits_enforced":true},
                 {"name":"web.2","type":"web","state":"up","size":"Standard-1X","command":"java Hello",
                  "updated_at":"2026-11-28T10:31:02Z","cpu_cores":-1,"cpu_limit_cores":0,
                  "memory_rss_bytes":1048576,"memory_quota_bytes":536870912,"limits_enforced":false},
                 {"name":"web.3","type":"web","state":"starting","size":"Standard-1X","command":"java Hello",
                  "updated_at":"2026-11-28T10:31:02Z"}]""");

        String out = PsFormat.dynos(dynos, Instant.parse("2026-11-28T10:36:02Z"));

        assertThat(out).contains("web.1: up 2026/11/28 10:31:02 +0000 (~ 5m ago)  cpu 24%/25%  mem 45M/512M\n")
                .contains("web.2: up 2026/11/28 10:31:02 +0000 (~ 5m ago)  cpu -  mem 1M/512M\n")
                .contains("web.3: starting 2026/11/28 10:31:02 +0000 (~ 5m ago)\n");
    }
}
