package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.app.App;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import dyno.runtime.process.Backoff;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Dynos that exit at once, some spewing output: the cool-off grows, the manager answers, the log stays bounded. */
@Tag("reliability")
class CrashLoopTest {
    private static final Logger logger = LoggerFactory.getLogger(CrashLoopTest.class);
    private static final Duration WAIT = Duration.ofSeconds(15);
    /** A stuck manager thread would block calls for the whole crash loop; a busy CPU stretches a prompt one to a few seconds. */
    private static final Duration PROMPT = Duration.ofSeconds(5);
    private static final Pattern L12 = Pattern.compile("Error L12 \\(Local buffer overflow\\) -> (\\d+) messages dropped since .+");
    private static final ManagerSettings QUICK = ManagerSettings.defaults()
            .withBootTimeout(Duration.ofSeconds(5))
            .withStopTimeout(Duration.ofSeconds(1))
            .withBackoff(new Backoff(Duration.ofMillis(100), Duration.ofMillis(800)));

    @TempDir
    Path dir;

    private final Recorder recorder = new Recorder();
    private DynoManager manager;

    @AfterEach
    void close() {
        if (manager != null) {
            manager.close();
        }
    }

    private DynoManager start(String procfile, ManagerSettings settings, DynoListener listener, FormationEntry... entries)
            throws Exception {
        Files.writeString(dir.resolve("Procfile"), procfile);
        manager = new DynoManager(App.load(dir, null, null), settings, listener);
        manager.start(Formation.of(List.of(entries)));
        return manager;
    }

    private static FormationEntry entry(String type, int quantity) {
        return new FormationEntry(type, quantity, DynoSize.STANDARD_1X);
    }

    @Test
    @Timeout(30)
    void coolOffDoublesToItsCapWhileTheManagerKeepsAnswering() throws Exception {
        // A run that lasts its cool-off is restarted at once (by design), so the cool-offs here start at
        // 300 ms: a run of `sh -c 'exit 1'` stays well under that even on a loaded machine, where 100 ms did not.
        ManagerSettings settings = QUICK.withBackoff(new Backoff(Duration.ofMillis(300), Duration.ofMillis(2400)));
        DynoManager m = start("crash: echo boom; exit 1\nworker: sleep 1000\nother: sleep 1000\n", settings, recorder,
                entry("crash", 1), entry("worker", 1), entry("other", 0));
        Latencies latencies = new Latencies();

        // 8 starts: restarts after 0, 300, 600, 1200, 2400 (cap), 2400, 2400 ms
        for (int round = 0; recorder.count("crash.1", "Starting process with command `echo boom; exit 1`") < 8; round++) {
            assertThat(round).as("rounds of calls").isLessThan(250);
            latencies.time("dynos()", () -> CompletableFuture.completedFuture(m.dynos()));
            String change = round % 2 == 0 ? "other+1" : "other-1";
            latencies.time("scale", () -> m.scale(List.of(change)));
            latencies.time("restart", () -> m.restart("worker"));
            latencies.time("update", () -> m.update(m.formation()));
            Thread.sleep(100);
        }

        List<Long> delays = restartDelays(recorder.lines, "crash.1");
        List<Long> expected = List.of(0L, 300L, 600L, 1200L, 2400L, 2400L, 2400L);
        logger.warn("crash loop: restart delays {} ms (expected {}); call latency max {} ms, median {} ms over {} calls",
                delays, expected, latencies.maxMs(), latencies.medianMs(), latencies.count());
        assertThat(recorder.events("crash.1")).containsSubsequence("Process exited with status 1", "Restarting",
                "Restarting in 300ms (crash 2)", "Restarting in 600ms (crash 3)", "Restarting in 1200ms (crash 4)",
                "Restarting in 2400ms (crash 5)", "Restarting in 2400ms (crash 6)", "Restarting in 2400ms (crash 7)");
        for (int i = 0; i < expected.size(); i++) {
            // never early; late by scheduling and process start only (loose: shared CI machines)
            assertThat(delays.get(i)).as("delay %d of %s", i, delays).isBetween(expected.get(i) - 2, expected.get(i) + 1500);
        }
        // the manager thread also starts and signals the processes of the calls above, which can make a
        // short cool-off late; the long ones still show the doubling
        assertThat(delays.get(4)).as("growth of %s", delays).isGreaterThan(delays.get(1)).isGreaterThan(delays.get(2));
        assertThat(latencies.maxMs()).as("slowest manager call").isLessThan(PROMPT.toMillis());
        assertThat(m.dynos()).filteredOn(d -> d.name().startsWith("worker")).allMatch(d -> d.state() == DynoState.UP);
    }

    @Test
    @Timeout(30)
    void floodingCrashLoopIsHeldToItsLineRateWithL12CountsAndTheHistoryKeeps1500() throws Exception {
        int rate = 1000;
        int perRun = 200_000;
        LogBuffer history = new LogBuffer();
        DynoListener both = new DynoListener() {
            @Override
            public void log(LogLine line) {
                recorder.log(line);
                history.accept(line);
            }
        };
        String command = "yes boom | head -n " + perRun + "; exit 1";
        long t0 = System.nanoTime();
        DynoManager m = start("spew: " + command + "\nworker: sleep 1000\n", QUICK.withLogRate(rate), both,
                entry("spew", 1), entry("worker", 0));
        Latencies latencies = new Latencies();
        for (int round = 0; recorder.count("spew.1", "Process exited with status 1") < 4; round++) {
            assertThat(round).as("rounds of calls").isLessThan(300);
            latencies.time("dynos()", () -> CompletableFuture.completedFuture(m.dynos()));
            String change = round % 2 == 0 ? "worker+1" : "worker-1";
            latencies.time("scale", () -> m.scale(List.of(change)));
            Thread.sleep(50);
        }
        m.scale(List.of("spew=0")).join();
        await().atMost(WAIT).until(() -> m.dynos().stream().noneMatch(d -> d.name().equals("spew.1")));
        long completed = recorder.count("spew.1", "Process exited with status 1");
        // every line a run wrote is either kept or counted in an L12 event, once its reader has ended
        await().atMost(WAIT).until(() -> kept(recorder) + dropped(recorder) >= completed * perRun);
        Thread.sleep(300);
        double seconds = (System.nanoTime() - t0) / 1e9;
        long kept = kept(recorder);
        long dropped = dropped(recorder);
        long notices = recorder.events("spew.1").stream().filter(l -> L12.matcher(l).matches()).count();
        logger.warn("flood: {} runs of {} lines in {} s: {} kept, {} dropped in {} L12 events; history {} lines;"
                        + " call latency max {} ms, median {} ms", completed, perRun, String.format("%.1f", seconds), kept,
                dropped, notices, history.tail(LogBuffer.DEFAULT_CAPACITY, l -> true).size(), latencies.maxMs(),
                latencies.medianMs());

        assertThat(kept + dropped).isBetween(completed * perRun, (completed + 1) * perRun);
        assertThat(kept).as("kept lines: burst of %d plus %d/s over %.1f s", rate, rate, seconds)
                .isLessThanOrEqualTo((long) (rate + rate * seconds));
        assertThat(notices).as("one L12 a second at most, plus one as each run's output ends")
                .isLessThanOrEqualTo((long) seconds + completed + 2);
        assertThat(recorder.output("spew.1")).allMatch("boom"::equals);
        // the history holds the last 1500 of everything logged (fewer only when fewer were logged)
        assertThat(history.tail(5000, l -> true)).hasSize(Math.min(LogBuffer.DEFAULT_CAPACITY, recorder.lines.size()));
        assertThat(latencies.maxMs()).as("slowest manager call").isLessThan(PROMPT.toMillis());
    }

    @Test
    @Timeout(30)
    void aLineWithoutEndIsSplitIntoTenThousandBytePiecesAndDropsAreReportedWhenTheDynoGoesQuiet() throws Exception {
        // 20 MB without a newline: read whole, it would be one 40 MB string
        long t0 = System.nanoTime();
        // then quiet but running: the output does not end, so the L12 count comes from the manager's timer
        DynoManager m = start("huge: head -c 20000000 /dev/zero | tr '\\0' x; sleep 1000\n", QUICK.withLogRate(100),
                recorder, entry("huge", 1));
        await().atMost(WAIT).until(() -> kept(recorder) + dropped(recorder) == 2000);
        double seconds = (System.nanoTime() - t0) / 1e9;

        assertThat(recorder.events("huge.1")).noneMatch(l -> l.startsWith("Process exited"));
        assertThat(recorder.output("huge.1")).allMatch(l -> l.equals("x".repeat(10_000)));
        assertThat(kept(recorder)).isBetween(100L, (long) (100 + 100 * seconds) + 1);
        assertThat(m.dynos()).hasSize(1);
    }

    private static long kept(Recorder r) {
        return r.lines.stream().filter(l -> l.source().equals(LogLine.APP)).count();
    }

    private static long dropped(Recorder r) {
        long sum = 0;
        for (LogLine l : r.lines) {
            Matcher matcher = L12.matcher(l.message());
            if (l.source().equals(LogLine.DYNO) && matcher.matches()) {
                sum += Long.parseLong(matcher.group(1));
            }
        }
        return sum;
    }

    /** From each crash (the state change to crashed) to the next start, in ms, from the log's own times. */
    private static List<Long> restartDelays(List<LogLine> lines, String dyno) {
        List<Long> delays = new ArrayList<>();
        Instant crashedAt = null;
        for (LogLine l : lines) {
            if (!l.dyno().equals(dyno) || !l.source().equals(LogLine.DYNO)) {
                continue;
            }
            if (l.message().startsWith("State changed from") && l.message().endsWith("to crashed")) {
                crashedAt = l.time();
            } else if (l.message().startsWith("Starting process") && crashedAt != null) {
                delays.add(Duration.between(crashedAt, l.time()).toMillis());
                crashedAt = null;
            }
        }
        return delays;
    }

    /** How long manager calls take to answer. */
    private static final class Latencies {
        private final List<Long> ms = new ArrayList<>();

        void time(String what, Supplier<CompletableFuture<?>> call) throws Exception {
            long start = System.nanoTime();
            call.get().get(PROMPT.toMillis() * 5, TimeUnit.MILLISECONDS);
            ms.add((System.nanoTime() - start) / 1_000_000);
        }

        long maxMs() {
            return Collections.max(ms);
        }

        long medianMs() {
            List<Long> sorted = new ArrayList<>(ms);
            Collections.sort(sorted);
            return sorted.get(sorted.size() / 2);
        }

        int count() {
            return ms.size();
        }
    }
}
