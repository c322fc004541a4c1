package dyno.runtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AppTest {
    @TempDir
    Path dir;

    @Test
    void loadsProcfileAndEnvAndNamesAppAfterDirectory() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./work\n");
        Files.writeString(dir.resolve(".env"), "A=1\n");
        App app = App.load(dir, null, null);

        assertThat(app.name()).isEqualTo(dir.getFileName().toString());
        assertThat(app.env()).containsEntry("A", "1");
        assertThat(app.stateDir()).isEqualTo(dir.toAbsolutePath().resolve(".dyno"));
        assertThat(app.defaultFormation().toString()).isEqualTo("web=1:Standard-1X worker=0:Standard-1X");
        assertThat(App.load(dir, "other", null).name()).isEqualTo("other");
    }

    @Test
    void manifestFormationCoversProcfileTypes() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nworker: ./work\nclock: ./clock\n");
        Files.writeString(dir.resolve("app.json"),
                "{\"formation\":{\"web\":{\"quantity\":2,\"size\":\"standard-2x\"},\"worker\":{\"quantity\":1}}}");
        App app = App.load(dir, null, null);

        assertThat(app.manifestFormation()).hasValueSatisfying(f ->
                assertThat(f.toString()).isEqualTo("web=2:Standard-2X worker=1:Standard-1X clock=0:Standard-1X"));
    }

    @Test
    void manifestFormationNamingUnknownTypeIsRefused() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        Files.writeString(dir.resolve("app.json"), "{\"formation\":{\"wrker\":{\"quantity\":1}}}");
        assertThatThrownBy(() -> App.load(dir, null, null).manifestFormation())
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("app.json")
                .hasMessageContaining("formation.wrker");
    }

    @Test
    void fitDropsRemovedTypesAndAddsNewOnesAtZero() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\nclock: ./clock\n");
        App app = App.load(dir, null, null);
        Formation saved = Formation.of(List.of(new FormationEntry("web", 3, DynoSize.STANDARD_2X),
                new FormationEntry("worker", 2, DynoSize.STANDARD_1X)));

        assertThat(app.fit(saved).toString()).isEqualTo("web=3:Standard-2X clock=0:Standard-1X");
    }

    @Test
    void missingDirectoryOrProcfileIsAConfigError() {
        assertThatThrownBy(() -> App.load(dir.resolve("nope"), null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("not a directory");
        assertThatThrownBy(() -> App.load(dir, null, null))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no Procfile");
    }

    @Test
    void anotherProcfileGivesTheTypesAndTheDirectoryKeepsStateAndEnv() throws Exception {
        Files.writeString(dir.resolve("Procfile"), "web: ./web\n");
        Files.writeString(dir.resolve(".env"), "A=1\n");
        Path other = Files.createDirectory(dir.resolve("elsewhere")).resolve("Procfile.dev");
        Files.writeString(other, "web: ./web --dev\nclock: ./clock\n");

        App app = App.load(dir, null, null, other);
        assertThat(app.procfile().names()).containsExactly("web", "clock");
        assertThat(app.procfile().require("web").command()).isEqualTo("./web --dev");
        assertThat(app.dir()).isEqualTo(dir.toAbsolutePath().normalize());
        assertThat(app.stateDir()).isEqualTo(dir.toAbsolutePath().resolve(".dyno"));
        assertThat(app.env()).containsEntry("A", "1");
        assertThat(App.load(dir, null, null, null).procfile().names()).containsExactly("web");
    }

    @Test
    void aRelativeProcfileResolvesAgainstTheCurrentDirectoryNotTheAppDirectory() throws Exception {
        Path relative = Path.of("target", "app-test-" + System.nanoTime(), "Procfile.dev");
        Files.createDirectories(relative.getParent());
        Files.writeString(relative, "web: ./from-the-current-directory\n");
        Files.createDirectories(dir.resolve(relative.getParent()));
        Files.writeString(dir.resolve(relative), "web: ./from-the-app-directory\n");
        try {
            assertThat(App.load(dir, null, null, relative).procfile().require("web").command())
                    .isEqualTo("./from-the-current-directory");
        } finally {
            Files.delete(relative);
            Files.delete(relative.getParent());
        }
    }

    @Test
    void aMissingOrDirectoryProcfileIsAConfigErrorNamingIt() {
        Path missing = dir.resolve("Procfile.nope");
        assertThatThrownBy(() -> App.load(dir, null, null, missing))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(missing + ": no such file");
        assertThatThrownBy(() -> App.load(dir, null, null, dir))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith(dir + ": a directory");
    }
}
