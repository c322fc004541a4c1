package dyno.router.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.router.log.AccessLogSettings.Destination;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AccessLogSettingsTest {

    @Test
    void parsesDestinationsAndFormats() {
        assertThat(AccessLogSettings.parse(null, null)).isEqualTo(AccessLogSettings.DEFAULT);
        assertThat(AccessLogSettings.parse("stdout", "json"))
                .isEqualTo(new AccessLogSettings(Destination.STDOUT, null, AccessLogFormat.JSON));
        assertThat(AccessLogSettings.parse("off", "heroku").destination()).isEqualTo(Destination.OFF);
        assertThat(AccessLogSettings.parse("logs/access.log", "clf"))
                .isEqualTo(new AccessLogSettings(Destination.FILE, Path.of("logs/access.log"), AccessLogFormat.CLF));
    }

    @Test
    void rejectsBadValuesNamingTheFlagAndWhatItTakes() {
        assertThatThrownBy(() -> AccessLogSettings.parse(" ", null))
                .hasMessage("--access-log: ' ' (expected: stdout, off or a file path)");
        assertThatThrownBy(() -> AccessLogSettings.parse("a\0b", null))
                .hasMessageStartingWith("--access-log: ");
        assertThatThrownBy(() -> AccessLogSettings.parse("stdout", "apache"))
                .hasMessage("--access-log-format: 'apache' (expected: heroku, json or clf)");
    }

    @Test
    void createsANewFileOwnerOnlyAndAppendsToAnExistingOne(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("access.log");
        AccessLogSettings settings = AccessLogSettings.parse(file.toString(), "heroku");
        try (AccessLogWriter w = settings.openWriter()) {
            w.log(new AccessRecord(0, null, null, "GET", "/one", "h", "rid", "127.0.0.1", "web.1", 0, 1, 200, 1,
                    "HTTP/1.1", 0));
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        try (AccessLogWriter w = settings.openWriter()) {
            w.log(new AccessRecord(0, null, null, "GET", "/two", "h", "rid", "127.0.0.1", "web.1", 0, 1, 200, 1,
                    "HTTP/1.1", 0));
        }
        assertThat(Files.readAllLines(file)).hasSize(2).allMatch(l -> l.startsWith("at=info"));
    }

    @Test
    void aFileThatCannotBeOpenedIsOneLineNamingIt(@TempDir Path dir) {
        Path missing = dir.resolve("no/such/dir/access.log");
        assertThatThrownBy(() -> AccessLogSettings.parse(missing.toString(), null).openWriter())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("--access-log: cannot open " + missing + ": no such directory");
        assertThatThrownBy(() -> AccessLogSettings.parse(dir.toString(), null).openWriter())
                .hasMessage("--access-log: cannot open " + dir + ": is a directory");
    }
}
