package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.router.RouterConfig;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class RouterLimitOptionsTest {
    @Command(name = "test")
    static final class WithLimits implements Runnable {
        @Mixin
        RouterLimitOptions limits = new RouterLimitOptions();

        @Override
        public void run() {
        }
    }

    private static RouterConfig parse(String... args) {
        WithLimits command = new WithLimits();
        new CommandLine(command).parseArgs(args);
        return command.limits.applyTo(RouterConfig.builder()).build();
    }

    @Test
    void flagsLeftOutKeepHerokusDefaults() {
        RouterConfig config = parse();
        RouterConfig defaults = RouterConfig.defaults();
        assertThat(config.connectTimeout()).isEqualTo(defaults.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.firstByteTimeout()).isEqualTo(defaults.firstByteTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.idleTimeout()).isEqualTo(defaults.idleTimeout()).isEqualTo(Duration.ofSeconds(55));
        assertThat(config.maxInFlightPerDyno()).isEqualTo(defaults.maxInFlightPerDyno()).isEqualTo(200);
    }

    @Test
    void flagsSetTheirFieldsOfTheConfig() {
        RouterConfig config = parse("--connect-timeout", "250ms", "--request-timeout", "2m", "--idle-timeout", "90s",
                "--max-inflight-per-dyno", "400");
        assertThat(config.connectTimeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.firstByteTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.maxInFlightPerDyno()).isEqualTo(400);
    }

    @Test
    void timeoutsTakeOneMillisecondToOneDay() {
        assertThat(RouterLimitOptions.parseTimeout("--idle-timeout", "1ms")).isEqualTo(Duration.ofMillis(1));
        assertThat(RouterLimitOptions.parseTimeout("--idle-timeout", "24h")).isEqualTo(Duration.ofHours(24));
        for (String bad : new String[] {"0ms", "25h", "1441m", "5", "-1s", "", "99999999999999999999s"}) {
            assertThatThrownBy(() -> RouterLimitOptions.parseTimeout("--idle-timeout", bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("--idle-timeout: '" + bad + "' (expected: a duration from 1ms to 24h, such as 500ms, 5s, 2m)");
        }
    }

    @Test
    void theInFlightLimitTakesOneToOneHundredThousand() {
        assertThat(RouterLimitOptions.parseInFlight("--max-inflight-per-dyno", "1")).isEqualTo(1);
        assertThat(RouterLimitOptions.parseInFlight("--max-inflight-per-dyno", "100000")).isEqualTo(100_000);
        for (String bad : new String[] {"0", "100001", "-5", "1e3", "9999999999"}) {
            assertThatThrownBy(() -> RouterLimitOptions.parseInFlight("--max-inflight-per-dyno", bad)).as(bad)
                    .hasMessage("--max-inflight-per-dyno: '" + bad + "' (expected: a whole number from 1 to 100000)");
        }
    }
}
