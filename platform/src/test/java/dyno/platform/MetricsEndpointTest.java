package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** GET /metrics after real traffic, parsed as Prometheus text exposition; who may read it. */
@Timeout(120)
class MetricsEndpointTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** name{labels} value, per the text format 0.0.4. */
    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @TempDir
    Path dir;
    Daemon daemon;

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    record Sample(String name, Map<String, String> labels, double value) {
    }

    @Test
    void exposesRouterAndDynoMetricsInPrometheusFormatAfterTraffic() throws Exception {
        daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=2"), null);
        DaemonInfo info = DaemonInfo.readLive(dir).orElseThrow();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> daemon.manager().dynos().stream()
                .filter(d -> d.isWeb() && d.state() == dyno.runtime.manager.DynoState.UP).count() == 2);
        for (int i = 0; i < 20; i++) {
            assertThat(TestApps.get(daemon.routerPort(), "/").statusCode()).isEqualTo(200);
        }
        assertThat(TestApps.get(daemon.routerPort(), "/nope").statusCode()).isEqualTo(404);
        // no web dyno: H14 from the router
        api("PATCH", info, "/apps/" + info.app() + "/formation/web", "{\"quantity\":0}", true);
        assertThat(TestApps.get(daemon.routerPort(), "/").statusCode()).isEqualTo(503);
        api("PATCH", info, "/apps/" + info.app() + "/formation/web", "{\"quantity\":1}", true);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> daemon.manager().dynos().stream()
                .anyMatch(d -> d.name().equals("web.1") && d.state() == dyno.runtime.manager.DynoState.UP));

        HttpResponse<String> res = api("GET", info, "/metrics", null, true);
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");
        List<Sample> samples = parse(res.body());

        assertThat(sum(samples, "dyno_router_requests_total", Map.of("status_class", "2xx"))).isEqualTo(20);
        assertThat(sum(samples, "dyno_router_requests_total", Map.of("dyno", "web.1", "status_class", "2xx"))).isEqualTo(10);
        assertThat(sum(samples, "dyno_router_requests_total", Map.of("status_class", "4xx"))).isEqualTo(1);
        assertThat(sum(samples, "dyno_router_errors_total", Map.of("code", "H14", "dyno", "none"))).isEqualTo(1);
        assertThat(sum(samples, "dyno_router_service_seconds_count", Map.of())).isEqualTo(21);
        assertThat(sum(samples, "dyno_router_service_seconds_bucket", Map.of("le", "+Inf"))).isEqualTo(21);
        assertThat(sum(samples, "dyno_router_connect_seconds_count", Map.of())).isEqualTo(21);
        assertThat(sum(samples, "dyno_dynos", Map.of("type", "web", "state", "up"))).isEqualTo(1);
        assertThat(sum(samples, "dyno_dynos", Map.of("type", "worker", "state", "up"))).isZero();
        assertThat(sum(samples, "dyno_router_held_requests", Map.of())).isZero();
        assertThat(sum(samples, "dyno_router_in_flight", Map.of("dyno", "web.1"))).isZero();
        assertThat(sum(samples, "dyno_restarts_total", Map.of("dyno", "web.1"))).isEqualTo(1); // started again at web=1
        assertThat(sum(samples, "dyno_memory_rss_bytes", Map.of("dyno", "web.1"))).isGreaterThan(1 << 20);
        assertThat(sum(samples, "dyno_memory_quota_bytes", Map.of("dyno", "web.1"))).isEqualTo(512.0 * 1024 * 1024);

        // Prometheus conventions (text format 0.0.4): counters end in _total, base units in the name
        // (seconds, bytes), one TYPE line per metric
        Map<String, String> types = new HashMap<>();
        Matcher m = Pattern.compile("(?m)^# TYPE (\\S+) (\\S+)$").matcher(res.body());
        while (m.find()) {
            assertThat(types.put(m.group(1), m.group(2))).as("one TYPE line for " + m.group(1)).isNull();
        }
        types.forEach((family, type) -> {
            if (type.equals("counter")) {
                assertThat(family).as(family).endsWith("_total");
            }
        });
        assertThat(types).containsEntry("dyno_router_requests_total", "counter")
                .containsEntry("dyno_crashes_total", "counter")
                .containsEntry("dyno_router_service_seconds", "histogram")
                .containsEntry("dyno_router_connect_seconds", "histogram")
                .containsEntry("dyno_dynos", "gauge")
                .containsEntry("dyno_memory_rss_bytes", "gauge");
        Set<String> names = new HashSet<>();
        samples.forEach(s -> names.add(s.name()));
        assertThat(names).allMatch(n -> n.startsWith("dyno_") || n.startsWith("jvm_") || n.startsWith("process_"));
    }

    @Test
    void metricsNeedTheTokenUnlessPublic() throws Exception {
        daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=0"), null);
        DaemonInfo info = DaemonInfo.readLive(dir).orElseThrow();
        HttpResponse<String> anonymous = api("GET", info, "/metrics", null, false);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(anonymous.body()).path("message").asText()).contains("--metrics-public");
        daemon.close();

        var options = TestApps.options(dir, List.of("web=0"), null);
        daemon = Daemon.start(new dyno.platform.daemon.DaemonOptions(options.dir(), null, null, options.formation(),
                null, options.router(), options.manager(), 0, true, options.accessLog()), l -> { });
        info = DaemonInfo.readLive(dir).orElseThrow();
        assertThat(api("GET", info, "/metrics", null, false).statusCode()).isEqualTo(200);
        // a page on a name that resolves to 127.0.0.1 a moment later (DNS rebinding) reads nothing
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", info.apiPort())) {
            s.setSoTimeout(30_000);
            s.getOutputStream().write(("GET /metrics HTTP/1.1\r\nHost: rebind.attacker.example:" + info.apiPort()
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String res = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(res).startsWith("HTTP/1.1 403 ").doesNotContain("dyno_router_requests_total");
        }
        assertThat(api("GET", info, "/apps/" + info.app() + "/dynos", null, false).statusCode()).isEqualTo(401);
    }

    static double sum(List<Sample> samples, String name, Map<String, String> labels) {
        return samples.stream().filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .mapToDouble(Sample::value).sum();
    }

    static List<Sample> parse(String exposition) {
        return exposition.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(line -> {
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as("a valid sample line: " + line).isTrue();
            Map<String, String> labels = new HashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find()) {
                    assertThat(labels.put(l.group(1), l.group(2))).as("label once: " + line).isNull();
                    end = l.end();
                }
                assertThat(m.group(3).substring(end).replace(",", "")).as("labels of " + line).isEmpty();
            }
            return new Sample(m.group(1), labels, Double.parseDouble(m.group(4).replace("+Inf", "Infinity")));
        }).toList();
    }

    static HttpResponse<String> api(String method, DaemonInfo info, String path, String body, boolean token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + info.apiPort() + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (token) {
            b.header("Authorization", "Bearer " + info.token());
        }
        return TestApps.HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> res) throws Exception {
        return JSON.readTree(res.body());
    }
}
