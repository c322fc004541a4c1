package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.bench.LoadGenerator;
import dyno.platform.bench.LoadPlan;
import dyno.platform.bench.Ramp;
import dyno.platform.client.ApiClient;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** {@code dyno bench --ramp FROM:TO}: the rising open loop of {@link Ramp} on a running app, and its report. */
final class RampBench {
    private RampBench() {
    }

    static int run(ApiClient api, Ramp ramp, LoadPlan plan, String path, Path out, boolean json, PrintWriter stdout,
                   PrintWriter stderr) throws Exception {
        stderr.println("Ramping " + path + " over " + plan.duration().toSeconds() + "s (open loop, at most "
                + plan.concurrency() + " in flight); the formation is left to the app (e.g. ps:autoscale:enable)...");
        stderr.flush();
        List<Ramp.Point> points = ramp.run(new LoadGenerator(), plan, () -> webUp(api));
        if (json) {
            stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(points));
        } else {
            stdout.println("second  asked/s  answered/s  p95 ms  errors  web dynos");
            for (Ramp.Point p : points) {
                stdout.println(String.format(Locale.ROOT, "%6d  %7.1f  %10.1f  %6.1f  %6d  %9d", p.second(),
                        p.targetRate(), p.rate(), p.p95Ms(), p.errors(), p.webDynos()));
            }
        }
        Files.writeString(out, Ramp.html(api.daemon().app(), path, points), StandardCharsets.UTF_8);
        stderr.println("Report: " + out.toAbsolutePath());
        stdout.flush();
        stderr.flush();
        return 0;
    }

    /** Web dynos up now. */
    private static int webUp(ApiClient api) {
        int up = 0;
        for (JsonNode d : api.get(api.appPath("/dynos"))) {
            if (d.path("type").asText().equals("web") && d.path("state").asText().equals("up")) {
                up++;
            }
        }
        return up;
    }
}
