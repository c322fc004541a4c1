package dyno.platform.bench;

import java.util.List;
import java.util.Locale;

/**
 * A small line chart as inline SVG: no script, nothing fetched. Each data point is a
 * {@code <circle class="point">} with a {@code <title>} tooltip.
 */
final class SvgChart {
    /** One line of a chart. */
    record Series(String name, String colour, List<Double> values) {
    }

    private static final int W = 560;
    private static final int H = 300;
    private static final int L = 60;
    private static final int R = 20;
    private static final int T = 20;
    private static final int B = 50;

    private SvgChart() {
    }

    static String render(String id, String xTitle, String yTitle, List<String> xLabels, List<Series> series) {
        double max = series.stream().flatMap(s -> s.values().stream()).mapToDouble(Double::doubleValue).max().orElse(1);
        max = niceCeil(max <= 0 ? 1 : max);
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg id=\"%s\" class=\"chart\" viewBox=\"0 0 %d %d\" role=\"img\">%n", id, W, H));
        int plotW = W - L - R;
        int plotH = H - T - B;
        for (int i = 0; i <= 4; i++) {
            double v = max * i / 4;
            double y = T + plotH - plotH * i / 4.0;
            svg.append(String.format(Locale.ROOT, "<line class=\"grid\" x1=\"%d\" x2=\"%d\" y1=\"%.1f\" y2=\"%.1f\"/>"
                    + "<text class=\"tick\" x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    L, W - R, y, y, L - 6, y + 4, fmt(v)));
        }
        int n = xLabels.size();
        for (int i = 0; i < n; i++) {
            svg.append(String.format(Locale.ROOT, "<text class=\"tick\" x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                    x(i, n, plotW), H - B + 18, esc(xLabels.get(i))));
        }
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
                L + plotW / 2, H - 8, esc(xTitle)));
        svg.append(String.format(Locale.ROOT, "<text class=\"axis\" transform=\"rotate(-90)\" x=\"%d\" y=\"14\" "
                + "text-anchor=\"middle\">%s</text>%n", -(T + plotH / 2), esc(yTitle)));
        int legendX = L + 8;
        for (Series s : series) {
            StringBuilder path = new StringBuilder();
            StringBuilder points = new StringBuilder();
            for (int i = 0; i < s.values().size(); i++) {
                double px = x(i, n, plotW);
                double py = T + plotH - plotH * s.values().get(i) / max;
                path.append(i == 0 ? "M" : "L").append(String.format(Locale.ROOT, "%.1f %.1f ", px, py));
                points.append(String.format(Locale.ROOT, "<circle class=\"point\" data-series=\"%s\" cx=\"%.1f\" cy=\"%.1f\" "
                        + "r=\"4\" fill=\"%s\"><title>%s %s: %s</title></circle>%n",
                        esc(s.name()), px, py, s.colour(), esc(s.name()), esc(xLabels.get(i)), fmt(s.values().get(i))));
            }
            svg.append(String.format("<path d=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"/>%n", path, s.colour()));
            svg.append(points);
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text class=\"legend\" x=\"%d\" y=\"%d\">%s</text>%n", legendX, T, s.colour(), legendX + 16, T + 10, esc(s.name())));
            legendX += 30 + 8 * s.name().length();
        }
        return svg.append("</svg>\n").toString();
    }

    private static double x(int i, int n, int plotW) {
        int pad = 30; // keep the first and last points and their labels inside the plot
        return L + (n == 1 ? plotW / 2.0 : pad + (plotW - 2.0 * pad) * i / (n - 1));
    }

    private static double niceCeil(double v) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
