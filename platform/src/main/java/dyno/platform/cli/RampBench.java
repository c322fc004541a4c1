package dyno.platform.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.platform.bench.LoadGenerator;
import dyno.platform.bench.LoadPlan;
import dyno.platform.bench.Ramp;
import dyno.platform.bench.ScalePhases;
import dyno.platform.client.ApiClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * {@code dyno bench --ramp FROM:TO}: the rising open loop of {@link Ramp} on a running app, and its report.
 * With a {@link ScaleStep} ({@code --scale web=A,B --scale-at T}) it also scales: web=A (warmed up) before
 * the run, web=B at T into it, and reports the latency before, while and after the change, e.g. to see
 * what {@code --slow-start} does for dynos that just scaled up. The web quantity is set back afterwards.
 */
final class RampBench {
    /** Scale web from {@code from} to {@code to} dynos at {@code at} into the run. */
    record ScaleStep(int from, int to, Duration at) {
    }

    private RampBench() {
    }

    static int run(ApiClient api, Ramp ramp, LoadPlan plan, ScaleStep step, Duration warmup, String path, Path out,
                   boolean json, PrintWriter stdout, PrintWriter stderr) throws Exception {
        ScalePhases phases = null;
        ScheduledExecutorService scaler = null;
        int original = step == null ? -1 : WebFormation.quantity(api);
        if (step != null) {
            stderr.println("Scaling web to " + step.from() + " and warming up for " + warmup.toSeconds() + "s...");
            stderr.flush();
            WebFormation.scaleAndWait(api, step.from());
            if (!warmup.isZero()) {
                new LoadGenerator().run(new LoadPlan(plan.target(), warmup, plan.concurrency(), ramp.rateAt(0),
                        plan.mix()));
            }
            phases = new ScalePhases(step.from(), step.to(), (int) step.at().toSeconds());
            scaler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "bench-scale");
                t.setDaemon(true);
                return t;
            });
        }
        stderr.println("Ramping " + path + " over " + plan.duration().toSeconds() + "s (open loop, at most "
                + plan.concurrency() + " in flight); " + (step == null
                ? "the formation is left to the app (e.g. ps:autoscale:enable)..."
                : "web=" + step.to() + " at " + step.at().toSeconds() + "s..."));
        stderr.flush();
        List<Ramp.Point> points;
        try {
            if (scaler != null) {
                scaler.schedule(() -> WebFormation.scale(api, step.to()), step.at().toMillis(), TimeUnit.MILLISECONDS);
            }
            points = phases == null ? ramp.run(new LoadGenerator(), plan, () -> WebFormation.up(api))
                    : ramp.run(new LoadGenerator(), plan, () -> WebFormation.up(api), phases::add);
        } finally {
            if (scaler != null) {
                scaler.shutdownNow();
                scaler.awaitTermination(10, TimeUnit.SECONDS);
                WebFormation.scale(api, original); // leave the formation as it was, as a --scale sweep does
            }
        }
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            Object doc = points;
            if (phases != null) {
                ObjectNode o = mapper.createObjectNode();
                o.putObject("scale").put("from", step.from()).put("to", step.to()).put("at_seconds", step.at().toSeconds());
                o.putPOJO("phases", phases.phases());
                o.putPOJO("points", points);
                doc = o;
            }
            stdout.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(doc));
        } else {
            stdout.println("second  asked/s  answered/s  p95 ms  p99 ms  errors  web dynos");
            for (Ramp.Point p : points) {
                stdout.println(String.format(Locale.ROOT, "%6d  %7.1f  %10.1f  %6.1f  %6.1f  %6d  %9d", p.second(),
                        p.targetRate(), p.rate(), p.p95Ms(), p.p99Ms(), p.errors(), p.webDynos()));
            }
            if (phases != null) {
                stdout.println();
                stdout.print(phases.table());
            }
        }
        String extra = phases == null ? "" : phases.html();
        Files.writeString(out, Ramp.html(api.daemon().app(), path, points, extra), StandardCharsets.UTF_8);
        stderr.println("Report: " + out.toAbsolutePath());
        stdout.flush();
        stderr.flush();
        return 0;
    }
}
