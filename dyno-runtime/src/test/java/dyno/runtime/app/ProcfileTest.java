package dyno.runtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcfileTest {
    private static final Path FILE = Path.of("/apps/demo/Procfile");

    @Test
    void parsesTypesInFileOrderIgnoringCommentsAndBlankLines() {
        Procfile p = Procfile.parse(FILE, List.of(
                "# the web process",
                "",
                "web: java -cp app:lib/* Hello --port $PORT",
                "   ",
                "worker:   bundle exec sidekiq  ",
                "release-1_x: ./migrate"));

        assertThat(p.names()).containsExactly("web", "worker", "release-1_x");
        assertThat(p.require("web").command()).isEqualTo("java -cp app:lib/* Hello --port $PORT");
        assertThat(p.require("worker").command()).isEqualTo("bundle exec sidekiq");
        assertThat(p.require("web").isWeb()).isTrue();
        assertThat(p.require("worker").isWeb()).isFalse();
        assertThat(p.type("clock")).isEmpty();
    }

    @Test
    void missingColonNamesFileAndLine() {
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of("web: ok", "worker run")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/Procfile:2: ")
                .hasMessageContaining("missing ':'")
                .satisfies(e -> assertThat(((ConfigException) e).line()).isEqualTo(2));
    }

    @Test
    void emptyCommandNamesFileAndLine() {
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of("# c", "web:   ")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/Procfile:2: ")
                .hasMessageContaining("empty command")
                .hasMessageContaining("\"web\"");
    }

    @Test
    void duplicateNameNamesBothLines() {
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of("web: a", "worker: b", "", "web: c")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/Procfile:4: ")
                .hasMessageContaining("duplicate process type \"web\"")
                .hasMessageContaining("line 1");
    }

    @Test
    void invalidNameNamesFileAndLine() {
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of("web: a", "my worker: b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/Procfile:2: ")
                .hasMessageContaining("invalid process type name \"my worker\"")
                .hasMessageContaining("[A-Za-z0-9_-]+");
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of(": a")))
                .hasMessageStartingWith("/apps/demo/Procfile:1: ");
    }

    @Test
    void fileWithoutTypesIsRefused() {
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/Procfile: ")
                .hasMessageContaining("no process types");
        assertThatThrownBy(() -> Procfile.parse(FILE, List.of("# only a comment", "")))
                .hasMessageContaining("no process types");
    }

    @Test
    void readsFromDiskAndNamesAMissingFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("Procfile");
        assertThatThrownBy(() -> Procfile.read(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": ")
                .hasMessageContaining("no Procfile");

        Files.writeString(file, "web: ./server\r\nworker: ./work\r\n");
        assertThat(Procfile.read(file).names()).containsExactly("web", "worker");
        assertThat(Procfile.read(file).require("web").command()).isEqualTo("./server");
    }

    @Test
    void requireNamesTheDeclaredTypes() {
        Procfile p = Procfile.parse(FILE, List.of("web: a", "worker: b"));
        assertThatThrownBy(() -> p.require("clock"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"clock\"")
                .hasMessageContaining("web, worker");
    }
}
