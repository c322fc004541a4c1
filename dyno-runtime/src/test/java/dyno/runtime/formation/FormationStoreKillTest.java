package dyno.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.runtime.fixtures.SaveLoop;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A daemon SIGKILLed in the middle of saving its formation: the next start reads a whole file. */
@Tag("reliability")
class FormationStoreKillTest {
    private static final Logger logger = LoggerFactory.getLogger(FormationStoreKillTest.class);
    private static final int KILLS = 20;

    @TempDir
    Path dir;

    @Test
    @Timeout(300) // 20 JVM starts: about 10 s on a quiet machine, several times that beside a CPU hog
    void killedDuringTheSaveLoopLeavesTheLastCompletedSaveOrTheNextNeverATornFile() throws Exception {
        Path file = dir.resolve(".dyno/formation.json");
        FormationStore store = new FormationStore(file);
        String java = ProcessHandle.current().info().command().orElseThrow();
        Random random = new Random(7);
        long next = 1;
        long saves = 0;
        int lastCompleted = 0;
        int oneAhead = 0;
        int tempLeft = 0;
        for (int i = 0; i < KILLS; i++) {
            Path err = dir.resolve("child-" + i + ".err");
            Process child = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xmx64m",
                    "-cp", System.getProperty("java.class.path"), SaveLoop.class.getName(), file.toString(), Long.toString(next))
                    .redirectError(err.toFile())
                    .start();
            long last;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String first = out.readLine();
                assertThat(first).as("first save of child %d (stderr: %s)", i, Files.readString(err)).isEqualTo(Long.toString(next));
                Thread.sleep(30 + random.nextInt(171));
                // SIGKILL, wherever the save loop is (through the handle: Process.destroyForcibly also closes stdout)
                assertThat(child.toHandle().destroyForcibly()).isTrue();
                last = next;
                for (String line; (line = out.readLine()) != null; ) {
                    // a kill in the middle of println can leave a partial number: only the next number counts
                    if (line.equals(Long.toString(last + 1))) {
                        last++;
                    }
                }
            }
            assertThat(child.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).isEqualTo(137);
            if (temps(file.getParent()) > 0) {
                tempLeft++;
            }

            Formation loaded = store.load().orElseThrow(); // the production loader: throws on a torn file
            assertThat(loaded).as("kill %d after save %d", i, last)
                    .isIn(SaveLoop.formation(last), SaveLoop.formation(last + 1));
            if (loaded.equals(SaveLoop.formation(last))) {
                lastCompleted++;
            } else {
                oneAhead++;
            }
            // what the next manager does on start, as the only writer
            store.deleteLeftovers();
            assertThat(temps(file.getParent())).as("temp files left after cleaning").isZero();
            saves += last - next + 1;
            next = last + 2;
        }
        logger.warn("{} kills during {} saves: {} clean loads ({} the last reported save, {} the one after), 0 torn;"
                + " {} kills left a temp file, ignored by load and deleted by deleteLeftovers", KILLS, saves, lastCompleted + oneAhead, lastCompleted,
                oneAhead, tempLeft);
        assertThat(lastCompleted + oneAhead).isEqualTo(KILLS);
    }

    private static long temps(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".tmp")).count();
        }
    }
}
