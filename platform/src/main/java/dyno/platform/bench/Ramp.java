package dyno.platform.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.IntSupplier;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * {@code dyno bench --ramp FROM:TO}: an open loop whose rate rises linearly from FROM to TO
 * requests/s over the run, sampled each second (the rate asked for, the rate answered, the p95 of
 * that second's answers, the web dynos running), to watch an autoscaler follow the load.
 */
public final class Ramp {
    private final double from;
    private final double to;
    private final Duration duration;

    /** One second of the run: latencies in ms of the requests answered in it; webDynos -1 when unknown. */
    public record Point(int second, double targetRate, double rate, double p95Ms, double p99Ms, long errors,
                        int webDynos) {
    }

    /**
     * @throws IllegalArgumentException naming {@code --ramp} when the rates are not 0 < FROM, TO <= 100000
     */
    public Ramp(double from, double to, Duration duration) {
        if (!(from > 0) || !(to > 0) || from > 100_000 || to > 100_000) {
            throw new IllegalArgumentException("--ramp: " + from + ":" + to + " (expected: FROM:TO requests/s,"
                    + " each from 0.1 to 100000, e.g. 10:200)");
        }
        this.from = from;
        this.to = to;
        this.duration = duration;
    }

    /** Parses {@code FROM:TO}, e.g. {@code 10:200}. */
    public static Ramp parse(String value, Duration duration) {
        String[] parts = value == null ? new String[0] : value.trim().split(":");
        try {
            if (parts.length == 2) {
                return new Ramp(Double.parseDouble(parts[0]), Double.parseDouble(parts[1]), duration);
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("--ramp: '" + value + "' (expected: FROM:TO requests/s, e.g. 10:200)");
    }

    /** The rate asked for {@code seconds} into the run. */
    public double rateAt(double seconds) {
        return from + (to - from) * Math.min(1, seconds / (duration.toNanos() / 1e9));
    }

    /**
     * Nanoseconds after the start at which request {@code slot} is due: the time by which
     * {@code from t + (to - from) t^2 / (2 T)} requests were asked for.
     */
    long dueNanos(long slot) {
        double t = duration.toNanos() / 1e9;
        double a = from;
        double b = (to - from) / t;
        double seconds = Math.abs(b) < 1e-12 ? slot / a : (-a + Math.sqrt(Math.max(0, a * a + 2 * b * slot))) / b;
        return (long) (seconds * 1e9);
    }

    /** Runs the ramp against {@code plan}'s target and mix (its rate is ignored), sampling each second. */
    public List<Point> run(LoadGenerator load, LoadPlan plan, IntSupplier webDynos) throws InterruptedException {
        return run(load, plan, webDynos, (point, micros) -> { });
    }

    /**
     * The same, handing each second's point and its latencies (microseconds; valid during the call only) to
     * {@code eachSecond} on the sampling thread.
     */
    public List<Point> run(LoadGenerator load, LoadPlan plan, IntSupplier webDynos,
                           BiConsumer<Point, Histogram> eachSecond) throws InterruptedException {
        Recorder second = new Recorder(3_600_000_000L, 2);
        List<Point> points = new ArrayList<>();
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "bench-ramp-sampler");
            t.setDaemon(true);
            return t;
        });
        long[] lastErrors = {0};
        int[] n = {0};
        sampler.scheduleAtFixedRate(() -> {
            Histogram h = second.getIntervalHistogram();
            int s = ++n[0];
            long errors = load.errors();
            int dynos;
            try {
                dynos = webDynos.getAsInt();
            } catch (RuntimeException e) {
                dynos = -1;
            }
            boolean any = h.getTotalCount() > 0;
            Point p = new Point(s, rateAt(s), h.getTotalCount(), any ? h.getValueAtPercentile(95) / 1000.0 : 0,
                    any ? h.getValueAtPercentile(99) / 1000.0 : 0, errors - lastErrors[0], dynos);
            synchronized (points) {
                points.add(p);
            }
            eachSecond.accept(p, h);
            lastErrors[0] = errors;
        }, 1, 1, TimeUnit.SECONDS);
        try {
            load.run(plan, this::dueNanos, second::recordValue);
        } finally {
            sampler.shutdownNow();
            sampler.awaitTermination(5, TimeUnit.SECONDS);
        }
        synchronized (points) {
            return List.copyOf(points);
        }
    }

    /** A page with the rates, the p95 and the web dynos over time (inline SVG, nothing fetched). */
    public static String html(String app, String path, List<Point> points) {
        return html(app, path, points, "");
    }

    /** The same, with {@code extraHtml} (already escaped) under the heading. */
    public static String html(String app, String path, List<Point> points, String extraHtml) {
        List<String> x = points.stream().map(p -> p.second() + "s").toList();
        String rates = SvgChart.render("ramp-rate", "time", "requests/s", x, List.of(
                new SvgChart.Series("asked", "#6762a6", points.stream().map(Point::targetRate).toList()),
                new SvgChart.Series("answered", "#2e9d5b", points.stream().map(Point::rate).toList())));
        String p95 = SvgChart.render("ramp-p95", "time", "ms", x, List.of(
                new SvgChart.Series("p95", "#c98a10", points.stream().map(Point::p95Ms).toList()),
                new SvgChart.Series("p99", "#8a3ffc", points.stream().map(Point::p99Ms).toList())));
        String dynos = SvgChart.render("ramp-dynos", "time", "web dynos", x, List.of(
                new SvgChart.Series("web dynos", "#c8372d", points.stream().map(p -> (double) Math.max(0, p.webDynos())).toList())));
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>dyno bench --ramp: "
                + SvgChart.esc(app) + "</title><style>body{font:14px system-ui,sans-serif;margin:24px;color:#222}"
                + ".chart{width:560px;height:300px;margin:8px 16px 8px 0}.grid{stroke:#ddd}.tick,.axis{font-size:11px;fill:#555}"
                + "</style></head><body><h1>" + SvgChart.esc(app) + ": rising load on " + SvgChart.esc(path) + "</h1>"
                + "<p>Each point is one second: the rate asked for and answered, the p95 and p99 of that second's"
                + " answers, and the web dynos running (an autoscaler's decisions show as steps).</p>"
                + extraHtml + rates + p95 + dynos + "</body></html>\n";
    }
}
