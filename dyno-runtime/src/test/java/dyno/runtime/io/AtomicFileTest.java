package dyno.runtime.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileTest {
    @TempDir
    Path dir;

    @Test
    void replacesContentCreatingDirectoriesAndLeavesNoTempFiles() throws Exception {
        Path target = dir.resolve("a/b/daemon.json");
        AtomicFile.write(target, "first".getBytes());
        AtomicFile.write(target, "second".getBytes());

        assertThat(Files.readString(target)).isEqualTo("second");
        try (Stream<Path> files = Files.list(target.getParent())) {
            assertThat(files).containsExactly(target);
        }
    }

    @Test
    void appliesPermissions() throws Exception {
        Path target = dir.resolve("secret.json");
        AtomicFile.write(target, "{}".getBytes(), PosixFilePermissions.fromString("rw-------"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-------");
    }

    @Test
    void deletesTempFilesOfAKilledWriterOnlyOfItsTarget() throws Exception {
        Path target = dir.resolve("formation.json");
        AtomicFile.write(target, "{}".getBytes());
        Files.writeString(dir.resolve(".formation.json.123.tmp"), "{\"formation\":[");
        Files.writeString(dir.resolve(".daemon.json.456.tmp"), "{");

        assertThat(AtomicFile.deleteLeftovers(target)).isEqualTo(1);

        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("formation.json", ".daemon.json.456.tmp");
        }
        assertThat(AtomicFile.deleteLeftovers(dir.resolve("none/x.json"))).isZero();
    }
}
