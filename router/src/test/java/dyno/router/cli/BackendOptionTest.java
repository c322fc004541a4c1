package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BackendOptionTest {

    @Test
    void aBackendWithoutAWeightHasWeightOne() {
        BackendOption b = BackendOption.parse("127.0.0.1:5001");
        assertThat(b.address().getPort()).isEqualTo(5001);
        assertThat(b.weight()).isEqualTo(1);
        assertThat(b).hasToString("127.0.0.1:5001");
    }

    @Test
    void readsAWeightAfterACommaAsNginxWritesIt() {
        assertThat(BackendOption.parse("127.0.0.1:5002,weight=3").weight()).isEqualTo(3);
        assertThat(BackendOption.parse("127.0.0.1:5002,weight=3")).hasToString("127.0.0.1:5002,weight=3");
        assertThat(BackendOption.parse("[::1]:5002,weight=0").weight()).isZero();
        assertThat(BackendOption.parse("[::1]:5002,weight=0").address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(BackendOption.parse("localhost:5002,weight=256").weight()).isEqualTo(256);
    }

    @Test
    void rejectsAWeightOutOfRangeNamingTheFlagTheValueAndTheRange() {
        for (String bad : new String[] {"127.0.0.1:5001,weight=257", "127.0.0.1:5001,weight=-1",
                "127.0.0.1:5001,weight=", "127.0.0.1:5001,weight=heavy", "127.0.0.1:5001,weight=99999999999"}) {
            assertThatThrownBy(() -> BackendOption.parse(bad))
                    .hasMessage("--backend: '" + bad + "' (expected: a weight from 0 to 256)");
        }
    }

    @Test
    void rejectsAnUnknownParameter() {
        assertThatThrownBy(() -> BackendOption.parse("127.0.0.1:5001,wieght=3"))
                .hasMessage("--backend: '127.0.0.1:5001,wieght=3' (expected: HOST:PORT[,weight=N], e.g. 127.0.0.1:5001"
                        + " or 127.0.0.1:5001,weight=3)");
        assertThatThrownBy(() -> BackendOption.parse(",weight=3")).hasMessageContaining("(expected: HOST:PORT");
    }
}
