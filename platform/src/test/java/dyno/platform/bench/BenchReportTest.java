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
    void htmlIsSelfContainedWithOnePointPerSeriesAndStep() {
        String html = HtmlReport.render(report);
        assertThat(html).doesNotContain("http://", "https://").doesNotContain("<script");
        // throughput chart: measured + linear; latency chart: p50, p95, p99
        assertThat(html.split("class=\"point\"", -1).length - 1).isEqualTo(5 * 3);
    }
}
