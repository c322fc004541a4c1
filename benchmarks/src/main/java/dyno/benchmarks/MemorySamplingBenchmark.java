package dyno.benchmarks;

import dyno.runtime.process.ProcessId;
import dyno.runtime.process.ProcessTable;
import dyno.runtime.process.ProcessTree;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One memory-sampling tick of the dyno manager over {@code dynos} real process trees (each a
 * session of two {@code sleep}s). {@code oneScanPerTick} is what the manager does: one scan of
 * {@code /proc} into a {@link ProcessTable}, then each dyno's tree from it. {@code scanPerDyno} is
 * what it did before: a scan of all of {@code /proc} for every dyno, kept here as the baseline.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class MemorySamplingBenchmark {
    @Param({"10", "100"})
    int dynos;

    private final List<Process> leaders = new ArrayList<>();
    private final List<ProcessTree> trees = new ArrayList<>();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        for (int i = 0; i < dynos; i++) {
            Process p = new ProcessBuilder("setsid", "sh", "-c", "sleep 1000 & exec sleep 1000")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            leaders.add(p);
            trees.add(new ProcessTree(ProcessId.of(p.pid()).orElseThrow()));
        }
        Thread.sleep(500); // the background sleeps started
        ProcessTable table = ProcessTable.read();
        trees.forEach(t -> t.refresh(table));
        System.err.println("# " + table.size() + " processes on the machine");
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        trees.forEach(t -> t.signal(true));
        for (Process p : leaders) {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Benchmark
    public long oneScanPerTick() {
        ProcessTable table = ProcessTable.read();
        long total = 0;
        for (ProcessTree t : trees) {
            t.refresh(table);
            total += t.residentBytes();
        }
        return total;
    }

    @Benchmark
    public long scanPerDyno() {
        long total = 0;
        for (Process p : leaders) {
            total += LegacySampling.residentBytes(p.pid());
        }
        return total;
    }

    /** The sampling of earlier versions, for comparison: every dyno scanned all of /proc. */
    static final class LegacySampling {
        private static final Path PROC = Path.of("/proc");

        static long residentBytes(long pgid) {
            long total = 0;
            for (long pid : members(pgid)) {
                try {
                    String[] statm = Files.readString(PROC.resolve(pid + "/statm")).trim().split(" ");
                    total += Long.parseLong(statm[1]) * 4096;
                } catch (IOException | RuntimeException e) {
                    // exited
                }
            }
            return total;
        }

        static Set<Long> members(long pgid) {
            Set<Long> pids = new LinkedHashSet<>();
            try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC, p -> p.getFileName().toString().matches("\\d+"))) {
                for (Path dir : dirs) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    String[] stat = stat(pid);
                    if (stat != null && !"Z".equals(stat[0]) && Long.parseLong(stat[2]) == pgid) {
                        pids.add(pid);
                    }
                }
            } catch (IOException e) {
                // none
            }
            ProcessHandle.of(pgid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
            return pids;
        }

        private static String[] stat(long pid) {
            try {
                String s = Files.readString(PROC.resolve(pid + "/stat"));
                return s.substring(s.lastIndexOf(')') + 2).split(" ");
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }
}
