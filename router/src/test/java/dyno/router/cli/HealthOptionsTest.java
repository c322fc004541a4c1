package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.router.RouterConfig;
import dyno.router.health.ExpectedStatus;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class HealthOptionsTest {
    @Command(name = "test")
    static final class WithHealth implements Runnable {
        @Mixin
        HealthOptions health = new HealthOptions();

        @Override
        public void run() {
        }
    }

    private static RouterConfig parse(String... args) {
        WithHealth command = new WithHealth();
        new CommandLine(command).parseArgs(args);
        return command.health.applyTo(RouterConfig.builder()).build();
    }

    @Test
    void flagsLeftOutKeepTheDefaults() {
        RouterConfig config = parse("--health-path", "/health");
        assertThat(config.healthPath()).isEqualTo("/health");
        assertThat(config.healthInterval()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.healthTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.fall()).isEqualTo(3);
        assertThat(config.rise()).isEqualTo(2);
        assertThat(config.healthStatus()).isEqualTo(ExpectedStatus.BELOW_500);
        assertThat(config.healthHost()).isNull();
        assertThat(parse().healthPath()).isNull();
    }

    @Test
    void flagsSetTheirFieldsOfTheConfig() {
        RouterConfig config = parse("--health-path", "/up", "--health-interval", "250ms", "--health-timeout", "1s",
                "--health-fall", "5", "--health-rise", "4", "--health-status", "200,204,300-302",
                "--health-host", "app.local:8080");
        assertThat(config.healthInterval()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.healthTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.fall()).isEqualTo(5);
        assertThat(config.rise()).isEqualTo(4);
        assertThat(config.healthStatus()).hasToString("200,204,300-302");
        assertThat(config.healthHost()).isEqualTo("app.local:8080");
    }

    @Test
    void badValuesNameTheFlagAndTheRange() {
        String[][] cases = {
                {"--health-interval", "5ms", "a duration from 10ms to 24h, such as 500ms, 5s, 2m"},
                {"--health-interval", "25h", "a duration from 1ms to 24h, such as 500ms, 5s, 2m"},
                {"--health-timeout", "0s", "a duration from 1ms to 24h, such as 500ms, 5s, 2m"},
                {"--health-fall", "0", "a whole number from 1 to 1000"},
                {"--health-rise", "1001", "a whole number from 1 to 1000"},
                {"--health-rise", "two", "a whole number from 1 to 1000"},
                {"--health-status", "2xx", "status codes or ranges from 100 to 599, such as 200-399 or 200,204,300-302"},
                {"--health-status", "399-200", "status codes or ranges from 100 to 599, such as 200-399 or 200,204,300-302"},
                {"--health-host", "a b", "a host name with an optional port, such as app.local or app.local:8080"},
                {"--health-host", "app:99999", "a host name with an optional port, such as app.local or app.local:8080"},
                {"--health-path", "health", "a path starting with /"}};
        for (String[] c : cases) {
            String[] args = c[0].equals("--health-path") ? new String[] {c[0], c[1]}
                    : new String[] {"--health-path", "/h", c[0], c[1]};
            assertThatThrownBy(() -> parse(args)).as(c[0] + " " + c[1])
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(c[0] + ": '" + c[1] + "' (expected: " + c[2] + ")");
        }
    }

    @Test
    void tuningWithoutAPathIsAnErrorRatherThanSilentlyNoChecks() {
        assertThatThrownBy(() -> parse("--health-fall", "2"))
                .hasMessage("--health-fall: needs --health-path (expected: --health-path PATH to turn active health"
                        + " checks on)");
    }
}
