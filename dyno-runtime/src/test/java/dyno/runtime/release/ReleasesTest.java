package dyno.runtime.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.runtime.app.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReleasesTest {
    @TempDir
    Path dir;

    private Path file() {
        return dir.resolve(".dyno/releases.json");
    }

    @Test
    void firstOpenMakesReleaseOneFromTheEnvFileWithoutTheVarsDynoSets() {
        Releases r = Releases.open(file(), Map.of("GREETING", "hi", "PORT", "5000"), Clock.systemUTC());

        assertThat(r.list()).hasSize(1);
        assertThat(r.latest().version()).isEqualTo(1);
        assertThat(r.latest().status()).isEqualTo(Release.Status.SUCCEEDED);
        assertThat(r.config()).containsExactly(Map.entry("GREETING", "hi"));
    }

    @Test
    void releasesSurviveReopeningAndTheFileIsReadableOnlyByItsOwner() throws Exception {
        Releases r = Releases.open(file(), Map.of("A", "1"), Clock.systemUTC());
        Release v2 = r.create("Set B", Map.of("B", "2"));
        r.finish(v2.version(), Release.Status.SUCCEEDED);
        r.create("Unset A", nulls("A"));

        Releases again = Releases.open(file(), Map.of("IGNORED", "x"), Clock.systemUTC());

        assertThat(again.list()).extracting(Release::version).containsExactly(1, 2, 3);
        assertThat(again.latest().status()).isEqualTo(Release.Status.PENDING);
        assertThat(again.current().version()).isEqualTo(2);
        assertThat(again.config()).containsExactly(Map.entry("B", "2"));
        assertThat(again.get(2).orElseThrow().config()).containsOnly(Map.entry("A", "1"), Map.entry("B", "2"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file()))).isEqualTo("rw-------");
    }

    @Test
    void aBadChangeMakesNoReleaseAndNamesTheProblem() {
        Releases r = Releases.open(file(), Map.of(), Clock.systemUTC());

        assertThatThrownBy(() -> r.create("bad", Map.of("OK", "1", "1BAD", "x")))
                .hasMessageContaining("1BAD").hasMessageContaining("[A-Za-z_][A-Za-z0-9_]*");
        assertThatThrownBy(() -> r.create("bad", Map.of("PORT", "80"))).hasMessageContaining("PORT");
        assertThatThrownBy(() -> r.create("bad", Map.of("NUL", "a\0b"))).hasMessageContaining("NUL");
        assertThatThrownBy(() -> r.create("bad", Map.of("BIG", "x".repeat(ConfigVars.MAX_VALUE_BYTES + 1))))
                .hasMessageContaining("longer than");

        assertThat(Releases.open(file(), Map.of(), Clock.systemUTC()).list()).hasSize(1);
    }

    @Test
    void envFileEditsBecomeChangesButVarsSetOnlyThroughTheApiStay() {
        Releases r = Releases.open(file(), Map.of("A", "1", "B", "2"), Clock.systemUTC());
        r.create("set C", Map.of("C", "3"));

        assertThat(r.envChanges(Map.of("A", "1", "B", "2"))).isEmpty();
        Map<String, String> changes = r.envChanges(Map.of("A", "10", "D", "4", "PORT", "80"));
        assertThat(changes).containsOnly(Map.entry("A", "10"), Map.entry("D", "4"), entry("B", null));

        r.create(".env edited", changes);
        r.envTaken(Map.of("A", "10", "D", "4"));
        assertThat(r.config()).containsOnly(Map.entry("A", "10"), Map.entry("C", "3"), Map.entry("D", "4"));
        assertThat(Releases.open(file(), Map.of(), Clock.systemUTC()).envChanges(Map.of("A", "10", "D", "4"))).isEmpty();
    }

    @Test
    void anUnreadableFileIsAClearErrorNamingIt() throws Exception {
        Files.createDirectories(file().getParent());
        Files.writeString(file(), "{ not json");

        assertThatThrownBy(() -> Releases.open(file(), Map.of(), Clock.systemUTC()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("releases.json")
                .hasMessageContaining("delete the file");
    }

    @Test
    void aFailedSaveLeavesMemoryAsTheFileIs() throws Exception {
        Releases r = Releases.open(file(), Map.of("A", "1"), Clock.systemUTC());
        // the state directory replaced by a plain file: no write can succeed, whoever runs the test
        Files.delete(file());
        Files.delete(file().getParent());
        Files.writeString(file().getParent(), "not a directory");

        assertThatThrownBy(() -> r.create("set B", Map.of("B", "2"))).hasMessageContaining("cannot save releases");
        assertThat(r.list()).hasSize(1);
        assertThat(r.config()).containsExactly(Map.entry("A", "1"));
    }

    private static Map<String, String> nulls(String... names) {
        Map<String, String> m = new HashMap<>();
        for (String n : names) {
            m.put(n, null);
        }
        return m;
    }

    private static Map.Entry<String, String> entry(String k, String v) {
        return new java.util.AbstractMap.SimpleEntry<>(k, v);
    }
}
