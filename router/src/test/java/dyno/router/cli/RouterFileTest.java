package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.router.Balance;
import dyno.router.log.AccessLogSettings;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class RouterFileTest {
    @TempDir
    Path dir;

    private Path write(String json) throws Exception {
        Path f = dir.resolve("router.json");
        Files.writeString(f, json);
        return f;
    }

    @Test
    void readsTheFlagsAsKeysGroupedOrFlatAndTheBackends() throws Exception {
        RouterSetup setup = RouterFile.read(write("""
                {
                  "port": 5099, "balance": "least-conn", "request-timeout": "20s",
                  "health": {"path": "/health", "interval": "250ms", "fall": 2, "rise": 4, "status": "200-299"},
                  "max-inflight-per-dyno": 7,
                  "access-log": "off",
                  "backends": ["127.0.0.1:5001", "127.0.0.1:5002,weight=3",
                               {"name": "api.1", "address": "[::1]:5003", "weight": 0}]
                }
                """));
        assertThat(setup.config().port()).isEqualTo(5099);
        assertThat(setup.config().balance()).isEqualTo(Balance.LEAST_CONN);
        assertThat(setup.config().firstByteTimeout()).isEqualTo(Duration.ofSeconds(20));
        assertThat(setup.config().healthPath()).isEqualTo("/health");
        assertThat(setup.config().healthInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(setup.config().fall()).isEqualTo(2);
        assertThat(setup.config().rise()).isEqualTo(4);
        assertThat(setup.config().maxInFlightPerDyno()).isEqualTo(7);
        assertThat(setup.log().destination()).isEqualTo(AccessLogSettings.Destination.OFF);
        assertThat(setup.backends()).extracting(BackendSpec::name).containsExactly(null, null, "api.1");
        assertThat(setup.backends()).extracting(BackendSpec::weight).containsExactly(1, 3, 0);
        assertThat(setup.backends().get(2).address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(setup.backends().get(2).hostPort()).startsWith("[").endsWith("]:5003");
    }

    @Test
    void aSettingLeftOutHasTheFlagsDefault() throws Exception {
        RouterSetup file = RouterFile.read(write("{\"backends\": [\"127.0.0.1:5001\"]}"));
        RouterCommand flags = new RouterCommand();
        new CommandLine(flags).parseArgs("--backend", "127.0.0.1:5001");
        RouterSetup fromFlags = flags.setup(file.backends());
        assertThat(file.config().toString()).isEqualTo(fromFlags.config().toString());
        assertThat(file.log()).isEqualTo(fromFlags.log());
    }

    @Test
    void errorsNameTheFileTheSettingAndWhatItTakes() throws Exception {
        assertThatThrownBy(() -> RouterFile.read(write("{\"balance\": \"fastest\"}")))
                .hasMessageStartingWith(dir.resolve("router.json") + ": balance: ")
                .hasMessageContaining("fastest").hasMessageContaining("round-robin");
        assertThatThrownBy(() -> RouterFile.read(write("{\"helth-path\": \"/x\"}")))
                .hasMessageContaining(": unknown setting 'helth-path' (expected: backends or one of ")
                .hasMessageContaining("health-path");
        assertThatThrownBy(() -> RouterFile.read(write("{\"health\": {\"path\": \"/h\", \"interval\": \"5x\"}}")))
                .hasMessageContaining("health-interval: '5x' (expected: a duration");
        assertThatThrownBy(() -> RouterFile.read(write("{\n  \"port\": 5006,\n  \"balance\" \"p2c\"\n}")))
                .hasMessageContaining("router.json: line 3, column").hasMessageContaining("not valid JSON");
        assertThatThrownBy(() -> RouterFile.read(write("{\"port\": 1, \"port\": 2}")))
                .hasMessageContaining("Duplicate field 'port'");
        assertThatThrownBy(() -> RouterFile.read(write("[1]"))).hasMessageContaining("expected a JSON object");
        assertThatThrownBy(() -> RouterFile.read(write("{\"config\": \"other.json\"}")))
                .hasMessageContaining("unknown setting 'config'");
        assertThatThrownBy(() -> RouterFile.read(write("{\"port\": [5006]}")))
                .hasMessageContaining("port: expected a string or a number");
        assertThatThrownBy(() -> RouterFile.read(dir.resolve("missing.json")))
                .hasMessageEndingWith("missing.json: no such file");
    }

    @Test
    void badBackendsNameTheirIndex() throws Exception {
        assertThatThrownBy(() -> RouterFile.read(write("{\"backends\": [\"127.0.0.1:5001\", \"localhost\"]}")))
                .hasMessageContaining("backends[1]: 'localhost' (expected: HOST:PORT");
        assertThatThrownBy(() -> RouterFile.read(write("{\"backends\": [{\"address\": \"127.0.0.1:1\", \"weight\": 300}]}")))
                .hasMessageContaining("backends[0]: weight: 300 (expected: a whole number from 0 to 256)");
        assertThatThrownBy(() -> RouterFile.read(write("{\"backends\": [{\"address\": \"127.0.0.1:1\", \"wieght\": 3}]}")))
                .hasMessageContaining("backends[0]: unknown field 'wieght'");
        assertThatThrownBy(() -> RouterFile.read(write("{\"backends\": [{\"name\": \"a\", \"address\": \"127.0.0.1:1\"},"
                + " {\"name\": \"a\", \"address\": \"127.0.0.1:2\"}]}")))
                .hasMessageContaining("backends[1]: name 'a' is used twice");
        assertThatThrownBy(() -> RouterFile.read(write("{\"backends\": [{\"name\": \"bad name\", \"address\": \"127.0.0.1:1\"}]}")))
                .hasMessageContaining("backends[0]: name: 'bad name'");
        assertThatThrownBy(() -> RouterFile.read(write("{\"backends\": \"127.0.0.1:1\"}")))
                .hasMessageContaining("backends: expected a list");
    }

    @Test
    void configCannotBeCombinedWithSettingFlags() throws Exception {
        Path f = write("{\"backends\": [\"127.0.0.1:5001\"]}");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new RouterCommand()).setCommandName("dyno router").setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
        int code = cli.execute("--config", f.toString(), "--balance", "p2c");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString().trim()).isEqualTo("dyno router: --config: cannot be combined with --balance"
                + " (expected: every setting in the file, or no --config)");
    }
}
