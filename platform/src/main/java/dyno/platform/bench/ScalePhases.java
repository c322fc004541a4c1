package dyno.platform.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.HdrHistogram.Histogram;

/**
 * {@code dyno bench --ramp R:R --scale web=A,B --scale-at T}: the seconds of a run cut in three, each
 * with its own latency distribution: before the formation was changed, while it changed (dynos
 * booting or stopping), and after exactly B web dynos were up. A second is "after" from the first
 * sample that saw B up (that second holds a new dyno's first requests, the ones slow start is for)
 * to the end of the run.
 */
public final class ScalePhases {
    private static final String[] NAMES = {"before", "scaling", "after"};

    /** One phase: its seconds (inclusive; 0 and 0 when it had none) and what was answered in them. */
    public record Phase(String name, int firstSecond, int lastSecond, long requests, double p50Ms, double p95Ms,
                        double p99Ms, double maxMs, long errors) {
    }

    private final int from;
    private final int to;
    private final int atSecond;
    private final Histogram[] latency = new Histogram[NAMES.length];
    private final int[] first = new int[NAMES.length];
    private final int[] last = new int[NAMES.length];
    private final long[] errors = new long[NAMES.length];
    private int phase;

    /**
     * @param from     web dynos before the scale
     * @param to       web dynos asked for at the scale
     * @param atSecond seconds into the run at which the scale is asked for (seconds up to it are "before")
     */
    public ScalePhases(int from, int to, int atSecond) {
        this.from = from;
        this.to = to;
        this.atSecond = atSecond;
        for (int i = 0; i < NAMES.length; i++) {
            latency[i] = new Histogram(3_600_000_000L, 2);
        }
    }

    /** Adds one second of the run: its sample and the latencies (microseconds) answered in it. */
    public synchronized void add(Ramp.Point second, Histogram micros) {
        if (second.second() > atSecond) {
            phase = Math.max(phase, second.webDynos() == to ? 2 : 1);
        }
        latency[phase].add(micros);
        errors[phase] += second.errors();
        if (first[phase] == 0) {
            first[phase] = second.second();
        }
        last[phase] = second.second();
    }

    /** The three phases, in order; a phase with no second has zero requests. */
    public synchronized List<Phase> phases() {
        List<Phase> out = new ArrayList<>(NAMES.length);
        for (int i = 0; i < NAMES.length; i++) {
            Histogram h = latency[i];
            boolean any = h.getTotalCount() > 0;
            out.add(new Phase(NAMES[i], first[i], last[i], h.getTotalCount(), any ? ms(h, 50) : 0, any ? ms(h, 95) : 0,
                    any ? ms(h, 99) : 0, any ? h.getMaxValue() / 1000.0 : 0, errors[i]));
        }
        return out;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    /** The phases as a text table under a line naming the scale. */
    public String table() {
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "web %d -> %d at %ds%n", from, to, atSecond));
        b.append("phase    seconds  requests  p50 ms  p95 ms  p99 ms   max ms  errors\n");
        for (Phase p : phases()) {
            String seconds = p.firstSecond() == 0 ? "-" : p.firstSecond() + "-" + p.lastSecond();
            b.append(String.format(Locale.ROOT, "%-7s  %7s  %8d  %6.1f  %6.1f  %6.1f  %7.1f  %6d%n", p.name(), seconds,
                    p.requests(), p.p50Ms(), p.p95Ms(), p.p99Ms(), p.maxMs(), p.errors()));
        }
        return b.toString();
    }

    /** {@link #table()} for an HTML page. */
    public String html() {
        return "<pre>" + SvgChart.esc(table()) + "</pre>";
    }
}
