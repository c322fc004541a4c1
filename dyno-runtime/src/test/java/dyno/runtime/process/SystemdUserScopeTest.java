package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Entering a systemd user scope, against a fake {@code busctl}. The real one cannot run here: this
 * machine runs as root in a container with cgroup v1 and no systemd user manager, and tests must
 * never reach its system manager. The fake is a shell script, the only program on the search path
 * {@link SystemdUserScope} is given, that records its arguments and answers as the user manager
 * would; the kernel's move of this process into the scope is stood for by the fake rewriting the file
 * given as {@code /proc/self/cgroup}. What the real user manager does with the call is not verified.
 */
@Timeout(30)
class SystemdUserScopeTest {
    private static final long PID = 4242;
    private static final String USER_SLICE = "/user.slice/user-1000.slice/user@1000.service/app.slice";

    @TempDir
    Path dir;
    private Path argv;
    private Path self;

    @BeforeEach
    void fakeBusctl() throws Exception {
        argv = dir.resolve("argv");
        self = dir.resolve("self-cgroup");
        Files.writeString(self, "0::/user.slice/user-1000.slice/session-2.scope\n");
        Path bin = Files.createDirectory(dir.resolve("bin"));
        Path busctl = bin.resolve("busctl");
        Files.writeString(busctl, """
                #!/bin/sh
                for a in "$@"; do printf '%%s\\n' "$a"; done >> '%1$s'
                echo -- >> '%1$s'
                mode=$(cat '%2$s' 2>/dev/null)
                case "$2" in
                  get-property)
                    if [ "$mode" = no-manager ]; then echo 'Failed to connect to bus: No such file or directory' >&2; exit 1; fi
                    echo 's "255.4-1"' ;;
                  call)
                    if [ "$mode" = refuse ]; then echo 'Call failed: Unit dyno-x.scope already exists.' >&2; exit 1; fi
                    [ "$mode" = no-move ] || echo "0::%3$s/$8" > '%4$s'
                    echo 'o "/org/freedesktop/systemd1/job/42"' ;;
                esac
                """.formatted(argv, dir.resolve("mode"), USER_SLICE, self));
        Files.setPosixFilePermissions(busctl, PosixFilePermissions.fromString("rwx------"));
    }

    private SystemdUserScope scope() {
        return new SystemdUserScope("/nonexistent:" + dir.resolve("bin"), self, PID, Duration.ofSeconds(2));
    }

    @Test
    void startsADelegatedScopeWithThisPidAndWaitsUntilTheProcessIsInIt() throws Exception {
        String unit = SystemdUserScope.unitName("/home/me/app", PID);
        assertThat(unit).matches("dyno-[0-9a-f]{8}-4242\\.scope");

        assertThat(scope().enter(unit)).hasValue(unit);

        assertThat(Files.readAllLines(argv)).containsExactly(
                "--user", "get-property", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager", "Version", "--",
                "--user", "call", "org.freedesktop.systemd1", "/org/freedesktop/systemd1",
                "org.freedesktop.systemd1.Manager", "StartTransientUnit", "ssa(sv)a(sa(sv))", unit, "fail",
                "4", "Description", "s", "Dyno manager 4242 and its dynos", "PIDs", "au", "1", "4242",
                "Delegate", "b", "true", "CollectMode", "s", "inactive-or-failed", "0", "--");
        assertThat(Files.readString(self)).isEqualTo("0::" + USER_SLICE + "/" + unit + "\n");
    }

    @Test
    void theScopeIsTheManagersDelegatedCgroupItsDynoCgroupsGoNextToItsLeaf() throws Exception {
        String unit = SystemdUserScope.unitName("/home/me/app", PID);
        scope().enter(unit).orElseThrow();
        // the fresh scope as systemd makes it: this process alone in it, its files the user's
        Path fs = Files.createDirectory(dir.resolve("fs"));
        Path own = Files.createDirectories(fs.resolve(USER_SLICE.substring(1)).resolve(unit));
        Files.writeString(own.resolve("cgroup.controllers"), "cpu memory pids");
        Files.writeString(own.resolve("cgroup.subtree_control"), "");
        Files.writeString(own.resolve("cgroup.procs"), PID + "\n");
        CgroupDelegation.Cgroupfs kernel = (file, value) -> {
            if (file.getFileName().toString().equals("cgroup.subtree_control")
                    && !Files.readString(file.resolveSibling("cgroup.procs")).isBlank()) {
                throw new java.nio.file.FileSystemException(file.toString(), null, "Device or resource busy");
            }
            if (file.getFileName().toString().equals("cgroup.procs")) {
                Files.writeString(own.resolve("cgroup.procs"), "");
            }
            Files.writeString(file, value);
        };

        CgroupHierarchy h = CgroupHierarchy.detect(List.of("30 23 0:26 / " + fs + " rw - cgroup2 cgroup2 rw"),
                Files.readAllLines(self), PID, new CgroupDelegation(kernel, false)).orElseThrow();

        assertThat(h.enforces()).isTrue();
        assertThat(h.describe()).isEqualTo("cgroup v2 (systemd user scope " + unit + ") under " + own
                + " (cpu, memory; the manager's processes in dyno-4242-manager)");
        assertThat(Files.readString(own.resolve("dyno-4242-manager/cgroup.procs"))).isEqualTo("4242");
    }

    @Test
    void withoutAUserManagerNothingIsStartedAndNothingChanges() throws Exception {
        Files.writeString(dir.resolve("mode"), "no-manager");

        assertThat(scope().enter(SystemdUserScope.unitName("/home/me/app", PID))).isEmpty();

        assertThat(Files.readAllLines(argv)).contains("get-property").doesNotContain("call");
        assertThat(Files.readString(self)).isEqualTo("0::/user.slice/user-1000.slice/session-2.scope\n");
    }

    @Test
    void aRefusedScopeOrAProcessThatDoesNotMoveLeavesThingsAsTheyWere() throws Exception {
        Files.writeString(dir.resolve("mode"), "refuse");
        assertThat(scope().enter(SystemdUserScope.unitName("/a", PID))).isEmpty();

        Files.writeString(dir.resolve("mode"), "no-move");
        assertThat(scope().enter(SystemdUserScope.unitName("/a", PID))).isEmpty();
        assertThat(Files.readString(self)).isEqualTo("0::/user.slice/user-1000.slice/session-2.scope\n");
    }

    @Test
    void withoutBusctlNothingRuns() {
        assertThat(new SystemdUserScope("/nonexistent", self, PID, Duration.ofSeconds(1)).enter("dyno-0-1.scope")).isEmpty();
        assertThat(argv).doesNotExist();
    }
}
