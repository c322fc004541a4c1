package dyno.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.runtime.app.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FormationStoreTest {
    @TempDir
    Path dir;

    @Test
    void savesAndLoadsAFormation() {
        FormationStore store = new FormationStore(dir.resolve(".dyno/formation.json"));
        assertThat(store.load()).isEmpty();

        Formation f = Formation.of(List.of(new FormationEntry("web", 3, DynoSize.STANDARD_2X),
                new FormationEntry("worker", 0, DynoSize.PERFORMANCE_M)));
        store.save(f);
        assertThat(store.load()).hasValue(f);
        assertThat(new FormationStore(dir.resolve(".dyno/formation.json")).load()).hasValue(f);

        Formation g = f.with(new FormationEntry("worker", 2, DynoSize.ECO));
        store.save(g);
        assertThat(store.load()).hasValue(g);
        assertThat(g.toString()).isEqualTo("web=3:Standard-2X worker=2:Eco");
    }

    @Test
    void leavesNoTempFiles() throws Exception {
        FormationStore store = new FormationStore(dir.resolve(".dyno/formation.json"));
        for (int i = 0; i < 5; i++) {
            store.save(Formation.of(List.of(new FormationEntry("web", i, DynoSize.STANDARD_1X))));
        }
        try (Stream<Path> files = Files.list(dir.resolve(".dyno"))) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("formation.json");
        }
    }

    @Test
    void unreadableFileIsAConfigErrorNamingIt() throws Exception {
        Path file = dir.resolve("formation.json");
        Files.writeString(file, "{\"formation\":[{\"type\":\"web\",\"quantity\":-3}]}");
        assertThatThrownBy(() -> new FormationStore(file).load())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file.toString())
                .hasMessageContaining("quantity: -3");
        Files.writeString(file, "{not json");
        assertThatThrownBy(() -> new FormationStore(file).load()).isInstanceOf(ConfigException.class);
    }

    @Test
    void formationRefusesMoreThanAHundredAndDuplicates() {
        assertThatThrownBy(() -> Formation.of(List.of(new FormationEntry("web", 60, DynoSize.STANDARD_1X),
                new FormationEntry("worker", 41, DynoSize.STANDARD_1X))))
                .hasMessageContaining("101 dynos in all");
        assertThatThrownBy(() -> Formation.of(List.of(new FormationEntry("web", 1, DynoSize.STANDARD_1X),
                new FormationEntry("web", 2, DynoSize.STANDARD_1X))))
                .hasMessageContaining("appears twice");
        assertThatThrownBy(() -> new FormationEntry("web", -4, DynoSize.STANDARD_1X))
                .hasMessage("quantity: -4 (expected: 0..100)");
    }
}
