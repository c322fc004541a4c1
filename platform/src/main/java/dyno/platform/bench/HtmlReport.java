package dyno.platform.bench;

import java.util.List;
import java.util.Locale;

/** A self-contained HTML page for a {@link BenchReport}: inline CSS and SVG, nothing fetched. */
public final class HtmlReport {
    private HtmlReport() {
    }

    /** The whole page. */
    public static String render(BenchReport report) {
        List<String> labels = report.steps().stream().map(s -> s.dynos() + (s.dynos() == 1 ? " dyno" : " dynos")).toList();
        List<Double> rps = report.steps().stream().map(BenchStep::throughput).toList();
        BenchStep base = report.steps().isEmpty() ? null : report.steps().get(0);
        List<Double> ideal = report.steps().stream()
                .map(s -> base == null ? 0 : base.throughput() / base.dynos() * s.dynos()).toList();
        String throughput = SvgChart.render("throughput", "web dynos", "requests/s", labels, List.of(
                new SvgChart.Series("measured", "#7b4fd6", rps),
                new SvgChart.Series("linear", "#c9c2dc", ideal)));
        String latency = SvgChart.render("latency", "web dynos", "latency (ms)", labels, List.of(
                new SvgChart.Series("p50", "#2a9d8f", report.steps().stream().map(BenchStep::p50).toList()),
                new SvgChart.Series("p95", "#e9c46a", report.steps().stream().map(BenchStep::p95).toList()),
                new SvgChart.Series("p99", "#e76f51", report.steps().stream().map(BenchStep::p99).toList())));
        StringBuilder rows = new StringBuilder();
        boolean cpu = report.hasCpu();
        for (BenchStep s : report.steps()) {
            rows.append(String.format(Locale.ROOT,
                    "<tr%s><td>%d</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%.1f</td><td>%d</td><td>%.0f%%</td>",
                    report.hostBound(s) ? " class=\"host\"" : "", s.dynos(), s.throughput(), s.p50(), s.p95(), s.p99(), s.max(),
                    s.errors(), 100 * report.efficiency(s)));
            if (cpu) {
                rows.append(String.format(Locale.ROOT, "<td>%s</td><td>%s</td><td>%s</td><td>%s</td>",
                        s.cpuShareCores() > 0 ? BenchReport.cores(s.cpuShareCores()) : "-",
                        s.dynoCores() >= 0 ? BenchReport.cores(s.dynoCores()) : "-",
                        s.hostBusy() >= 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * s.hostBusy()) : "-",
                        report.hostBound(s) ? "host" : "dynos"));
            }
            rows.append("</tr>\n");
        }
        String cpuHead = cpu ? "<th>cpu share</th><th>dyno cpu</th><th>host cpu</th><th>bound</th>" : "";
        String hostNote = cpu ? "<p><strong>" + SvgChart.esc(report.hostNote()) + "</strong> Rows bound by the host are shaded.</p>" : "";
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8">
                <title>dyno bench: %1$s</title>
                <style>
                body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;background:#f6f5fa;color:#1d1b26}
                header{background:#3b2a6b;color:#fff;padding:20px 32px}
                header h1{margin:0;font-size:22px} header p{margin:4px 0 0;opacity:.8}
                main{padding:24px 32px;display:grid;grid-template-columns:repeat(auto-fit,minmax(480px,1fr));gap:24px}
                section{background:#fff;border-radius:10px;padding:16px 20px;box-shadow:0 1px 3px rgba(0,0,0,.08)}
                h2{font-size:16px;margin:0 0 8px}
                table{border-collapse:collapse;width:100%%;font-variant-numeric:tabular-nums}
                th,td{text-align:right;padding:6px 10px;border-bottom:1px solid #eee} th{color:#666;font-weight:600}
                .chart{width:100%%;height:auto} .grid{stroke:#eee} .tick{font-size:11px;fill:#777}
                .axis{font-size:12px;fill:#444} .legend{font-size:12px;fill:#333}
                .wide{grid-column:1/-1} tr.host td{background:#fdf0e6}
                </style></head><body>
                <header><h1>dyno bench &middot; %1$s</h1><p>%2$s &middot; %3$s &middot; %4$.0f s per step</p></header>
                <main>
                <section><h2>Throughput against web dynos</h2>%5$s</section>
                <section><h2>Latency percentiles per step</h2>%6$s</section>
                <section class="wide"><h2>Steps</h2><table>
                <tr><th>dynos</th><th>req/s</th><th>p50 ms</th><th>p95 ms</th><th>p99 ms</th><th>max ms</th><th>errors</th><th>efficiency</th>%8$s</tr>
                %7$s</table>
                <p>Efficiency is throughput(N) / (N &times; throughput per dyno of the first step); 100%% is linear scaling.</p>%9$s</section>
                </main></body></html>
                """.formatted(SvgChart.esc(report.app()), SvgChart.esc(report.path()), SvgChart.esc(report.mode()),
                report.seconds(), throughput, latency, rows, cpuHead, hostNote);
    }
}
