package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A short {@code dyno bench} sweep on examples/hello, and its report opened in headless Chromium. */
class BenchEndToEndTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void shortSweepReportsEveryStepAndRendersInChromium() throws Exception {
        TestApps.helloApp(dir);
        Path html = dir.resolve("bench.html");
        CliTest.Result r = CliTest.dyno("bench", "--dir", dir.toString(), "--scale", "web=1,2", "--duration", "3s",
                "--warmup", "1s", "--concurrency", "8", "--path", "/work?ms=20", "--out", html.toString(), "--json");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("{"); // nothing else on stdout
        JsonNode json = new ObjectMapper().readTree(r.out());
        JsonNode steps = json.path("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).path("dynos").asInt()).isEqualTo(1);
        assertThat(steps.get(1).path("dynos").asInt()).isEqualTo(2);
        for (JsonNode s : steps) {
            assertThat(s.path("errors").asLong()).isZero();
            assertThat(s.path("requests").asLong()).isPositive();
            // one single-threaded dyno doing 20 ms of work serves at most ~50 requests/s
            assertThat(s.path("requests_per_second").asDouble()).isLessThan(55.0 * s.path("dynos").asInt());
            assertThat(s.path("p50_ms").asDouble()).isGreaterThanOrEqualTo(20);
        }
        // two single-request dynos serve more than one (by how much is for docs/scaling.md, not a unit test)
        assertThat(steps.get(1).path("requests_per_second").asDouble())
                .isGreaterThan(steps.get(0).path("requests_per_second").asDouble());
        assertThat(r.err()).contains("step 1/2 web=1").contains("req/s");
        assertThat(html).exists();

        Path chromium = Path.of("/usr/bin/chromium");
        assumeTrue(Files.isExecutable(chromium), "Debian's chromium is not installed (.ci/run installs it)");
        Path shot = Path.of("target", "bench-report.png").toAbsolutePath();
        Files.createDirectories(shot.getParent());
        Files.deleteIfExists(shot);
        String dom = chromium(chromium, "--screenshot=" + shot, "--window-size=1280,1000", html.toUri().toString());
        assertThat(shot).exists();
        assertThat(Files.size(shot)).isGreaterThan(10_000);
        dom = chromium(chromium, "--dump-dom", html.toUri().toString());
        assertThat(dom).contains("<svg id=\"throughput\"").contains("<svg id=\"latency\"");
        // 2 steps x (measured, linear) + 2 steps x (p50, p95, p99)
        assertThat(dom.split("class=\"point\"", -1).length - 1).isEqualTo(10);
    }

    @Test
    @Timeout(180)
    void noScaleMeasuresTheRunningFormationWithAWeightedMixAndLeavesItAsItWas() throws Exception {
        TestApps.helloApp(dir);
        try (var daemon = TestApps.start(dir, TestApps.lines(), java.util.List.of("web=2"), null)) {
            DaemonRoutingTest.awaitUp(daemon, 2);
            CliTest.Result r = CliTest.dyno("bench", "--dir", dir.toString(), "--no-scale", "--duration", "2s",
                    "--warmup", "1s", "--concurrency", "4", "--path", "/cpu?ms=5:3", "--path", "/:1",
                    "--header", "X-Bench: 1", "--out", dir.resolve("b.html").toString(), "--json");
            assertThat(r.status()).as(r.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.path("path").asText()).isEqualTo("/cpu?ms=5:3, /:1 (1 header)");
            assertThat(json.path("steps")).hasSize(1);
            assertThat(json.path("steps").get(0).path("dynos").asInt()).isEqualTo(2);
            assertThat(json.path("steps").get(0).path("errors").asLong()).isZero();
            assertThat(json.path("host_cores").asInt()).isPositive();
            assertThat(r.err()).doesNotContain("scaling");
            assertThat(daemon.manager().formation().toString()).startsWith("web=2:");
        }
    }

    @Test
    @Timeout(180)
    void rampWithAScaleStepReportsLatencyBeforeWhileAndAfterTheNewDynosCameUp() throws Exception {
        TestApps.helloApp(dir);
        try (var daemon = TestApps.start(dir, TestApps.lines(), java.util.List.of("web=1"), null)) {
            DaemonRoutingTest.awaitUp(daemon, 1);
            Path html = dir.resolve("ramp.html");
            CliTest.Result r = CliTest.dyno("bench", "--dir", dir.toString(), "--ramp", "20:20", "--duration", "15s",
                    "--warmup", "1s", "--scale", "web=1,2", "--scale-at", "2s", "--path", "/cpu?ms=2",
                    "--out", html.toString(), "--json");
            assertThat(r.status()).as(r.err()).isZero();
            JsonNode json = new ObjectMapper().readTree(r.out());
            assertThat(json.path("scale").path("from").asInt()).isEqualTo(1);
            assertThat(json.path("scale").path("to").asInt()).isEqualTo(2);
            JsonNode phases = json.path("phases");
            assertThat(phases).hasSize(3);
            assertThat(phases.get(0).path("name").asText()).isEqualTo("before");
            assertThat(phases.get(0).path("firstSecond").asInt()).isEqualTo(1);
            assertThat(phases.get(0).path("lastSecond").asInt()).isEqualTo(2);
            long inPhases = 0;
            for (JsonNode p : phases) {
                inPhases += p.path("requests").asLong();
            }
            long inPoints = 0;
            int most = 0;
            for (JsonNode p : json.path("points")) {
                inPoints += p.path("rate").asLong();
                most = Math.max(most, p.path("webDynos").asInt());
            }
            assertThat(inPhases).isEqualTo(inPoints).isPositive();
            assertThat(most).as("the second dyno came up during the run").isEqualTo(2);
            assertThat(phases.get(2).path("requests").asLong()).as("answered after web=2 was up").isPositive();
            assertThat(html).content().contains("web 1 -&gt; 2 at 2s").contains("id=\"ramp-p95\"");
            // set back to web=1 as it was
            assertThat(daemon.manager().formation().toString()).startsWith("web=1:");
        }
    }

    @Test
    void badRequestFlagsAreUsageErrorsNamingTheFlag() {
        for (java.util.List<String> args : java.util.List.of(
                java.util.List.of("--path", "cpu"), java.util.List.of("--header", "nocolon"),
                java.util.List.of("--method", "G T"), java.util.List.of("--no-scale", "--scale", "web=1"),
                java.util.List.of("--body", "x", "--body-file", "y"), java.util.List.of("--scale-at", "5s"),
                java.util.List.of("--scale-at", "2s", "--ramp", "10:10", "--scale", "web=1,2,3"),
                java.util.List.of("--scale-at", "30s", "--ramp", "10:10", "--scale", "web=1,2", "--duration", "10s"))) {
            java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("bench", "--dir", dir.toString()));
            all.addAll(args);
            CliTest.Result r = CliTest.dyno(all.toArray(String[]::new));
            assertThat(r.status()).as(args.toString()).isEqualTo(2);
            assertThat(r.err()).as(args.toString()).contains(args.get(0));
        }
    }

    private String chromium(Path chromium, String... args) throws Exception {
        Path profile = Files.createTempDirectory(dir, "chromium");
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of(chromium.toString(), "--headless",
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--user-data-dir=" + profile));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return out;
    }
}
