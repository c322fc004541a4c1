package dyno.platform.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class BenchReportTest {
    private final BenchReport report = new BenchReport("hello", "/work?ms=20", "closed loop", 10, List.of(
            new BenchStep(1, 500, 0, 50, 20, 21, 22, 30),
            new BenchStep(2, 990, 0, 99, 20, 22, 25, 31),
            new BenchStep(4, 1800, 3, 180, 21, 25, 40, 60)));

    @Test
    void efficiencyIsThroughputOverLinearFromTheFirstStep() {
        assertThat(report.efficiency(report.steps().get(0))).isEqualTo(1.0);
        assertThat(report.efficiency(report.steps().get(1))).isEqualTo(0.99);
        assertThat(report.efficiency(report.steps().get(2))).isEqualTo(0.9);
    }

    @Test
    void tableHasOneRowPerStepWithEfficiency() {
        List<String> lines = report.table().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).contains("dynos", "req/s", "p50", "p95", "p99", "max", "errors", "efficiency");
        assertThat(lines.get(3)).startsWith("4").contains("180.0", "40.0", "60.0", " 3 ", "90%");
    }

    @Test
    void jsonHasEveryStep() {
        var json = report.json();
        assertThat(json.path("steps")).hasSize(3);
        assertThat(json.path("steps").get(1).path("efficiency").asDouble()).isEqualTo(0.99);
        assertThat(json.path("steps").get(2).path("p99_ms").asDouble()).isEqualTo(40.0);
    }

    @Test
    void aStepIsBoundByTheHostOnceTheDynosCpuSharesReachTheCoresOrTheMachineIsBusy() {
        // a /cpu sweep with 0.25 core per 1X on 2 cores: 8 dynos ask for all of it
        BenchReport cpu = new BenchReport("hello", "/cpu?ms=20", "closed loop", 10, List.of(
                new BenchStep(1, 110, 0, 11, 80, 90, 95, 99).withCpu(0.25, 0.24, 0.20),
                new BenchStep(2, 220, 0, 22, 80, 90, 95, 99).withCpu(0.5, 0.48, 0.95), // busy, yet the dynos got their share
                new BenchStep(4, 430, 0, 43, 80, 92, 97, 120).withCpu(1.0, 0.95, 0.65),
                new BenchStep(6, 600, 0, 60, 90, 99, 120, 150).withCpu(1.5, 1.1, 0.93),
                new BenchStep(8, 610, 0, 61, 120, 180, 220, 300).withCpu(2.0, 1.2, 0.97)), 2);

        assertThat(cpu.steps()).extracting(cpu::hostBound).containsExactly(false, false, false, true, true);
        List<String> lines = cpu.table().lines().toList();
        assertThat(lines.get(0)).endsWith("cpu share  dyno cpu  host cpu  bound");
        assertThat(lines.get(1)).endsWith("0.25      0.24       20%  dynos");
        assertThat(lines.get(5)).endsWith("2       1.2       97%   host");
        assertThat(lines.get(6)).isEqualTo("Host: 2 cores. Bound by the host, not the formation: "
                + "web=6 (the machine was 93% busy and the dynos got 1.1 of their 1.5 cores), "
                + "web=8 (the dynos' CPU shares add up to 2 cores).");
        assertThat(cpu.json().path("steps").get(4).path("host_bound").asBoolean()).isTrue();
        assertThat(HtmlReport.render(cpu)).contains("<tr class=\"host\"><td>6</td>", "<th>bound</th>");

        BenchReport shares = new BenchReport("hello", "/cpu?ms=20", "closed loop", 10, List.of(
                new BenchStep(8, 610, 0, 61, 120, 180, 220, 300).withCpu(2.0, 1.9, 0.5)), 2);
        assertThat(shares.hostNote()).endsWith("web=8 (the dynos' CPU shares add up to 2 cores).");
        // without CPU figures the table is as before
        assertThat(report.table().lines().toList().get(0)).endsWith("efficiency");
    }

    @Test
    void htmlIsSelfContainedWithOnePointPerSeriesAndStep() {
        String html = HtmlReport.render(report);
        assertThat(html).doesNotContain("http://", "https://").doesNotContain("<script");
        // throughput chart: measured + linear; latency chart: p50, p95, p99
        assertThat(html.split("class=\"point\"", -1).length - 1).isEqualTo(5 * 3);
    }
}
