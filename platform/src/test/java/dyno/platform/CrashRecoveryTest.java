package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.ApiClient;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonException;
import dyno.runtime.manager.DynoInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.assertj.core.api.Assertions;

/** A daemon killed with SIGKILL: the next {@code up} ends its orphans and restores the formation. */
class CrashRecoveryTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(150)
    void upAfterSigkillRestoresFormationAndLeavesNoOrphan() throws Exception {
        TestApps.helloApp(dir);
        String java = ProcessHandle.current().info().command().orElse("java");
        Process daemon = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "dyno.platform.cli.DynoCommand", "up", "--dir", dir.toString(), "--port", "0",
                "--formation", "web=2,worker=1", "--no-color")
                .redirectErrorStream(true).redirectOutput(dir.resolve("up.out").toFile()).start();
        List<Long> orphans = new ArrayList<>();
        try {
            await().atMost(60, TimeUnit.SECONDS).until(() -> DaemonInfo.readLive(dir).isPresent());
            ApiClient api = ApiClient.forDir(dir);
            await().atMost(60, TimeUnit.SECONDS).until(() -> {
                JsonNode dynos = api.get(api.appPath("/dynos"));
                int up = 0;
                for (JsonNode d : dynos) {
                    up += d.path("state").asText().equals("up") ? 1 : 0;
                }
                return up == 3;
            });
            for (JsonNode d : api.get(api.appPath("/dynos"))) {
                orphans.add(d.path("pid").asLong());
            }
            List<Path> cgroups = recordedCgroups(); // where cgroups can be made: each dyno's, in every hierarchy
            daemon.destroyForcibly().waitFor(10, TimeUnit.SECONDS); // SIGKILL: no shutdown hook runs
            assertThat(orphans).allMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
            Assertions.assertThat(orphans).hasSize(3);

            try (Daemon next = TestApps.start(dir, TestApps.lines(), List.of(), null)) {
                assertThat(next.manager().formation().toString()).isEqualTo("web=2:Standard-1X worker=1:Standard-1X");
                await().atMost(10, TimeUnit.SECONDS).until(() ->
                        orphans.stream().noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
                assertThat(cgroups).noneMatch(Files::exists); // removed by the next up
                DaemonRoutingTest.awaitUp(next, 2);
                assertThat(next.manager().dynos()).extracting(DynoInfo::pid).doesNotContainAnyElementsOf(orphans);

                Assertions.assertThatThrownBy(() -> TestApps.start(dir, TestApps.lines(), List.of(), null))
                        .isInstanceOf(DaemonException.class).hasMessageContaining("already running");
                cgroups = recordedCgroups();
            }
            assertThat(cgroups).noneMatch(Files::exists); // and the next up's, by its down
        } finally {
            daemon.destroyForcibly();
            for (long pid : orphans) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** The cgroup directories the running daemon recorded for its dynos ({@code cgroup PATH} lines). */
    private List<Path> recordedCgroups() throws java.io.IOException {
        List<Path> dirs = new ArrayList<>();
        try (var files = Files.list(dir.resolve(".dyno/pids"))) {
            for (Path f : files.toList()) {
                Files.readAllLines(f).stream().filter(l -> l.startsWith("cgroup "))
                        .forEach(l -> dirs.add(Path.of(l.substring(7))));
            }
        }
        return dirs;
    }
}
