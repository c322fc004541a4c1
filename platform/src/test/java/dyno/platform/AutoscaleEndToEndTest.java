package dyno.platform;

import static dyno.platform.CliTest.dyno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.platform.daemon.Daemon;
import dyno.platform.reliability.SteadyLoad;
import dyno.runtime.log.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dyno ps:autoscale:enable} on examples/hello with a short window and cooldown: slow requests
 * (p95 above the target) add web dynos one at a time up to max, no traffic takes them back to min,
 * every decision is a {@code dyno[autoscale]} line, and {@code ps} shows the setting.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class AutoscaleEndToEndTest {
    @TempDir
    Path dir;

    @Test
    void followsTheP95UpToMaxAndBackToMin() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), lines, List.of("web=1"), null)) {
            String d = dir.toString();
            DaemonRoutingTest.awaitUp(daemon, 1);

            CliTest.Result bad = dyno("ps:autoscale:enable", "--min", "0", "--max", "3", "--dir", d);
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err()).contains("min_quantity: 0 (expected: 1..100; Heroku's minimum is 1)");
            CliTest.Result worker = dyno("ps:autoscale:enable", "worker", "--min", "1", "--max", "2", "--dir", d);
            assertThat(worker.err()).contains("type: worker (expected: web;");
            assertThat(dyno("ps:autoscale:disable", "--dir", d).err()).contains("does not have autoscale enabled");

            CliTest.Result on = dyno("ps:autoscale:enable", "--min", "1", "--max", "3", "--p95", "50ms",
                    "--window", "10s", "--cooldown", "2s", "--dir", d);
            assertThat(on.status()).as(on.err()).isZero();
            assertThat(on.out().trim()).isEqualTo("Enabling dyno autoscaling... done, web autoscaling on: 1..3 dynos"
                    + " at p95 50ms (window 10s, cooldown 2s)");
            assertThat(dyno("ps", "--dir", d).out()).contains("=== web autoscaling on: 1..3 dynos at p95 50ms");
            assertThat(Files.getPosixFilePermissions(dir.resolve(".dyno/autoscale.json"))).hasSize(2);

            SteadyLoad load = new SteadyLoad(daemon.routerPort(), "/work?ms=150", 4, Duration.ofSeconds(120));
            try {
                await().atMost(Duration.ofSeconds(100)).until(() -> daemon.manager().formation().quantity("web") == 3);
            } finally {
                load.close();
            }
            assertThat(autoscaleLines(lines)).anyMatch(l -> l.contains("from=1 to=2 reason=\"p95 "))
                    .anyMatch(l -> l.contains("from=2 to=3 reason=\"p95 "));
            // no traffic: back to min, one dyno per two cooldowns
            await().atMost(Duration.ofSeconds(100)).until(() -> daemon.manager().formation().quantity("web") == 1);
            assertThat(autoscaleLines(lines)).anyMatch(l -> l.contains("from=2 to=1 reason=\"no requests"));

            assertThat(dyno("ps:autoscale:disable", "--dir", d).out().trim())
                    .isEqualTo("Disabling dyno autoscaling... done");
            assertThat(dyno("ps", "--dir", d).out()).doesNotContain("autoscaling on");
            assertThat(autoscaleLines(lines)).anyMatch(l -> l.contains("disabled min=1 max=3 p95=50ms"));
        }
    }

    @Test
    void benchRampShowsTheAutoscalerFollowingTheLoad() throws Exception {
        List<LogLine> lines = TestApps.lines();
        try (Daemon daemon = TestApps.start(TestApps.helloApp(dir), lines, List.of("web=1"), null)) {
            String d = dir.toString();
            DaemonRoutingTest.awaitUp(daemon, 1);
            assertThat(dyno("ps:autoscale:enable", "--min", "1", "--max", "3", "--p95", "80ms", "--window", "5s",
                    "--cooldown", "2s", "--dir", d).status()).isZero();
            Path report = dir.resolve("ramp.html");
            CliTest.Result ramp = dyno("bench", "--dir", d, "--ramp", "2:30", "--duration", "20s",
                    "--path", "/work?ms=60", "--concurrency", "64", "--out", report.toString());
            assertThat(ramp.status()).as(ramp.err()).isZero();
            List<String> rows = ramp.out().lines().skip(1).toList();
            assertThat(rows).hasSizeGreaterThanOrEqualTo(15);
            assertThat(ramp.out().lines().findFirst().orElseThrow())
                    .isEqualTo("second  asked/s  answered/s  p95 ms  p99 ms  errors  web dynos");
            int lastDynos = Integer.parseInt(rows.get(rows.size() - 1).trim().split("\\s+")[6]);
            assertThat(lastDynos).as("web dynos at the end of the ramp:%n%s", ramp.out()).isGreaterThan(1);
            assertThat(Files.readString(report)).contains("id=\"ramp-dynos\"");
            assertThat(autoscaleLines(lines)).anyMatch(l -> l.contains("from=1 to=2"));
        }
    }

    private static List<String> autoscaleLines(List<LogLine> lines) {
        return lines.stream().filter(l -> l.format().contains("dyno[autoscale]")).map(LogLine::format).toList();
    }
}
