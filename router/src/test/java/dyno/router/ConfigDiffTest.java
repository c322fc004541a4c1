package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    @Test
    void everySettingIsEitherAppliedLiveOrNeedsARestart() {
        // A new RouterConfig component needs a restart until Router.reconfigure applies it and LIVE lists it.
        assertThat(Arrays.stream(RouterConfig.class.getRecordComponents()).map(RecordComponent::getName)
                .filter(n -> !ConfigDiff.LIVE.contains(n))).containsExactlyInAnyOrder("threads", "observer", "tls");
        assertThat(ConfigDiff.HEALTH).allMatch(ConfigDiff.LIVE::contains);
    }

    @Test
    void namesTheSettingsThatDifferInDeclarationOrder() {
        RouterConfig a = RouterConfig.defaults();
        RouterConfig b = a.toBuilder().balance(Balance.P2C).port(8080).threads(a.threads() + 1).rise(9).build();
        ConfigDiff diff = new ConfigDiff(a, b);
        assertThat(diff.result()).isEqualTo(new Reconfigured(java.util.List.of("port", "rise", "balance"),
                java.util.List.of("threads")));
        assertThat(diff.listenerChanged()).isTrue();
        assertThat(diff.healthChanged()).isTrue();
        assertThat(new ConfigDiff(a, a.toBuilder().idleTimeout(Duration.ofSeconds(55)).build()).result().unchanged())
                .isTrue();
    }
}
