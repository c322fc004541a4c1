package dyno.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DynoSizeTest {
    @Test
    void parsesNamesCaseInsensitivelyWithAliases() {
        assertThat(DynoSize.parse("standard-1x")).isEqualTo(DynoSize.STANDARD_1X);
        assertThat(DynoSize.parse("Standard-1X")).isEqualTo(DynoSize.STANDARD_1X);
        assertThat(DynoSize.parse("1x")).isEqualTo(DynoSize.STANDARD_1X);
        assertThat(DynoSize.parse("1X")).isEqualTo(DynoSize.STANDARD_1X);
        assertThat(DynoSize.parse("2x")).isEqualTo(DynoSize.STANDARD_2X);
        assertThat(DynoSize.parse(" STANDARD-2X ")).isEqualTo(DynoSize.STANDARD_2X);
        assertThat(DynoSize.parse("ECO")).isEqualTo(DynoSize.ECO);
        assertThat(DynoSize.parse("basic")).isEqualTo(DynoSize.BASIC);
        assertThat(DynoSize.parse("PX")).isEqualTo(DynoSize.PX);
        assertThat(DynoSize.parse("Performance-M")).isEqualTo(DynoSize.PERFORMANCE_M);
        assertThat(DynoSize.parse("performance-l")).isEqualTo(DynoSize.PERFORMANCE_L);
    }

    @Test
    void unknownSizeListsAllowedValues() {
        assertThatThrownBy(() -> DynoSize.parse("hobby"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("size: \"hobby\"")
                .hasMessageContaining("eco, basic, standard-1x (1x), standard-2x (2x), px, performance-m, performance-l");
    }

    @Test
    void quotasAndDisplayNamesAreHerokus() {
        assertThat(DynoSize.STANDARD_1X.displayName()).isEqualTo("Standard-1X");
        assertThat(DynoSize.ECO.memoryMb()).isEqualTo(512);
        assertThat(DynoSize.BASIC.memoryMb()).isEqualTo(512);
        assertThat(DynoSize.STANDARD_1X.memoryBytes()).isEqualTo(512L * 1024 * 1024);
        assertThat(DynoSize.STANDARD_2X.memoryMb()).isEqualTo(1024);
        assertThat(DynoSize.PX.memoryMb()).isEqualTo(6144);
        assertThat(DynoSize.PERFORMANCE_M.memoryMb()).isEqualTo(2560);
        assertThat(DynoSize.PERFORMANCE_L.memoryMb()).isEqualTo(14336);
        assertThat(DynoSize.STANDARD_1X.idles()).isTrue();
        assertThat(DynoSize.ECO.idles()).isTrue();
        assertThat(DynoSize.STANDARD_2X.idles()).isFalse();
    }
}
