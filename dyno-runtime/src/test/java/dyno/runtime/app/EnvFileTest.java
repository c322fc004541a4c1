package dyno.runtime.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EnvFileTest {
    private static final Path FILE = Path.of("/apps/demo/.env");

    @Test
    void parsesQuotesExportAndComments() {
        Map<String, String> env = EnvFile.parse(FILE, List.of(
                "# settings",
                "PLAIN=hello world",
                "export EXPORTED=1",
                "DOUBLE=\"a # not a comment\"",
                "SINGLE2='$HOME stays'",
                "NEWLINE=\"line1\\nline2\"",
                "INLINE=value # a comment",
                "EMPTY=",
                "  SPACED = padded  ",
                "URL=postgres://u:p@h/db?x=1"));

        assertThat(env).containsEntry("PLAIN", "hello world")
                .containsEntry("EXPORTED", "1")
                .containsEntry("DOUBLE", "a # not a comment")
                .containsEntry("SINGLE2", "$HOME stays")
                .containsEntry("NEWLINE", "line1\nline2")
                .containsEntry("INLINE", "value")
                .containsEntry("EMPTY", "")
                .containsEntry("SPACED", "padded")
                .containsEntry("URL", "postgres://u:p@h/db?x=1")
                .doesNotContainKey("# settings");
        assertThat(env.keySet()).startsWith("PLAIN", "EXPORTED");
    }

    @Test
    void missingEqualsNamesFileAndLine() {
        assertThatThrownBy(() -> EnvFile.parse(FILE, List.of("A=1", "", "JUSTANAME")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/.env:3: ")
                .hasMessageContaining("missing '='")
                .hasMessageContaining("NAME=value");
    }

    @Test
    void unterminatedQuoteNamesFileAndLine() {
        assertThatThrownBy(() -> EnvFile.parse(FILE, List.of("A=\"open")))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("/apps/demo/.env:1: ")
                .hasMessageContaining("unterminated \" quote");
        assertThatThrownBy(() -> EnvFile.parse(FILE, List.of("# x", "B='open")))
                .hasMessageStartingWith("/apps/demo/.env:2: ")
                .hasMessageContaining("unterminated ' quote");
    }

    @Test
    void textAfterClosingQuoteAndInvalidNamesAreRefused() {
        assertThatThrownBy(() -> EnvFile.parse(FILE, List.of("A=\"x\" y")))
                .hasMessageStartingWith("/apps/demo/.env:1: ")
                .hasMessageContaining("after the closing quote");
        assertThatThrownBy(() -> EnvFile.parse(FILE, List.of("1A=x")))
                .hasMessageStartingWith("/apps/demo/.env:1: ")
                .hasMessageContaining("invalid variable name \"1A\"");
    }

    @Test
    void missingFileIsEmpty(@TempDir Path dir) throws Exception {
        assertThat(EnvFile.readIfExists(dir.resolve(".env"))).isEmpty();
        Files.writeString(dir.resolve(".env"), "export A=1\nB='2'\n");
        assertThat(EnvFile.readIfExists(dir.resolve(".env"))).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    }
}
