package dyno.platform.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code up}'s switch for the systemd user scope; the scope itself is tested in dyno-runtime (SystemdUserScopeTest). */
class UpSystemdScopeTest {
    @Test
    void theScopeIsWantedUnlessTheFlagOrTheEnvironmentTurnsItOff() {
        assertThat(UpCommand.systemdScopeWanted(false, null)).isTrue();
        assertThat(UpCommand.systemdScopeWanted(false, "1")).isTrue();
        assertThat(UpCommand.systemdScopeWanted(true, null)).isFalse();
        assertThat(UpCommand.systemdScopeWanted(false, "0")).isFalse();
        assertThat(UpCommand.systemdScopeWanted(false, " Off ")).isFalse();
    }

    @Test
    void upDescribesTheFlag() {
        String usage = new picocli.CommandLine(new UpCommand()).getUsageMessage();
        assertThat(usage).contains("--no-systemd-scope").contains("DYNO_SYSTEMD_SCOPE=0");
    }
}
