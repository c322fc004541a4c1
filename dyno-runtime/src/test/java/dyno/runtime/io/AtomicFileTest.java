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
}
