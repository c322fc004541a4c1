package dyno.runtime.manager;

import dyno.runtime.log.LogLine;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.util.Collection;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a dyno's merged stdout/stderr into log lines, within its output rate, and reports what
 * was dropped (L12) at most once a second and when the output ends. One reader thread per process.
 */
final class DynoOutput {
    private static final Logger logger = LoggerFactory.getLogger(DynoOutput.class);
    /** Longest output line, in bytes; longer ones are split (Heroku's 10000). */
    static final int MAX_LINE_BYTES = 10_000;
    private static final long DROP_REPORT_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final Clock clock;
    private final Consumer<LogLine> emit;

    DynoOutput(Clock clock, Consumer<LogLine> emit) {
        this.clock = clock;
        this.emit = emit;
    }

    /** Starts the reader thread of {@code p}, the current process of {@code d}. */
    void read(Dyno d, Process p) {
        Thread reader = new Thread(() -> pump(d, p), "dyno-out-" + d.name);
        reader.setDaemon(true);
        reader.start();
    }

    private void pump(Dyno d, Process p) {
        OutputLimiter limiter = d.output;
        try (InputStream in = p.getInputStream()) {
            OutputLines.read(in, MAX_LINE_BYTES, (bytes, length) -> {
                long now = System.nanoTime();
                reportDropped(d.name, limiter.report(now, DROP_REPORT_NANOS));
                if (limiter.admit(now, clock)) {
                    emit.accept(new LogLine(clock.instant(), LogLine.APP, d.name, OutputLines.decode(bytes, length)));
                }
            });
        } catch (IOException e) {
            logger.debug("output of {} ended", d.name, e);
        }
        reportDropped(d.name, limiter.report(System.nanoTime(), 0));
    }

    /** Reports drops of dynos that went quiet after a flood (their reader reports only with a next line). */
    void reportQuiet(Collection<Dyno> dynos) {
        long now = System.nanoTime();
        for (Dyno d : dynos) {
            reportDropped(d.name, d.output.report(now, DROP_REPORT_NANOS));
        }
    }

    private void reportDropped(String dyno, OutputLimiter.Dropped dropped) {
        if (dropped != null) {
            emit.accept(new LogLine(clock.instant(), LogLine.DYNO, dyno, dropped.message()));
        }
    }
}
