package dyno.platform.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code .dyno/log}: survives write errors, rotates by size, readable by its owner only. */
@Timeout(60)
class LogFileTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private static LogLine line(String message) {
        return new LogLine(Instant.now(), LogLine.APP, "web.1", message);
    }

    @Test
    void aFullDiskStopsNeitherHistoryNorConsoleAndTheFileResumesOnceWritable() throws Exception {
        Path file = dir.resolve("log");
        // every write to /dev/full fails with ENOSPC, as on a full filesystem
        Files.createSymbolicLink(file, Path.of("/dev/full"));
        LogBuffer history = new LogBuffer();
        List<LogLine> console = new CopyOnWriteArrayList<>();
        try (LogPipe pipe = new LogPipe(history, file, console::add)) {
            for (int i = 0; i < 3_000; i++) {
                pipe.offer(line("full " + i));
            }
            await().atMost(WAIT).until(() -> console.stream().anyMatch(l -> l.message().equals("full 2999")));
            assertThat(history.tail(1, l -> l.dyno().equals("web.1")).get(0).message()).isEqualTo("full 2999");
            // said once, however many writes failed
            assertThat(console).filteredOn(l -> l.message().startsWith("Error: cannot write")).hasSize(1);

            Files.delete(file); // space again
            await().atMost(WAIT).until(() -> {
                pipe.offer(line("space again"));
                return Files.isRegularFile(file) && Files.readString(file).contains("space again");
            });
            pipe.offer(line("after"));
            await().atMost(WAIT).until(() -> Files.readString(file).contains("after"));
            assertThat(console).filteredOn(l -> l.message().startsWith("Writing ")).hasSize(1);
        }
        assertThat(Files.readString(file)).doesNotContain("full 2999");
    }

    @Test
    void rotatesBySizeKeepingABoundedNumberOfFiles() throws Exception {
        Path file = dir.resolve("log");
        try (LogPipe pipe = new LogPipe(new LogBuffer(), file, l -> { }, 2_000, 2)) {
            for (int i = 0; i < 500; i++) {
                pipe.offer(line(String.format("line %04d", i)));
            }
            pipe.offer(line("last"));
        }
        assertThat(file).exists();
        assertThat(dir.resolve("log.1")).exists();
        assertThat(dir.resolve("log.2")).exists();
        assertThat(dir.resolve("log.3")).doesNotExist();
        for (Path p : List.of(file, dir.resolve("log.1"), dir.resolve("log.2"))) {
            assertThat(Files.size(p)).isLessThanOrEqualTo(2_000);
        }
        assertThat(Files.readString(file)).contains("last");
        // the newest rotated file holds the lines just before the current file's
        List<String> current = Files.readAllLines(file);
        List<String> previous = Files.readAllLines(dir.resolve("log.1"));
        assertThat(previous.get(previous.size() - 1)).endsWith(
                String.format("line %04d", Integer.parseInt(current.get(0).replaceAll(".*line ", "")) - 1));
    }

    @Test
    void theFileIsReadableByItsOwnerOnly() throws Exception {
        Path file = dir.resolve("log");
        Path old = dir.resolve("old/log");
        Files.createDirectories(old.getParent());
        Files.writeString(old, "from an earlier version\n"); // created with the umask's mode, 0644
        try (LogPipe pipe = new LogPipe(new LogBuffer(), file, l -> { });
             LogPipe again = new LogPipe(new LogBuffer(), old, l -> { })) {
            pipe.offer(line("hello"));
            again.offer(line("hello"));
        }
        for (Path p : List.of(file, old)) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS)))
                    .isEqualTo("rw-------");
        }
    }
}
