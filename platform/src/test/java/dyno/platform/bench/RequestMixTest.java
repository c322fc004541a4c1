package dyno.platform.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestMixTest {
    @Test
    void aPathTakesAWeightAfterItsLastColon() {
        assertThat(RequestMix.parsePath("/cpu?ms=20:3")).isEqualTo(new RequestMix.WeightedPath("/cpu?ms=20", 3));
        assertThat(RequestMix.parsePath("/work?ms=20")).isEqualTo(new RequestMix.WeightedPath("/work?ms=20", 1));
        assertThat(RequestMix.parsePath("/a:b")).isEqualTo(new RequestMix.WeightedPath("/a:b", 1));
    }

    @Test
    void badInputNamesTheFlagAndWhatWasExpected() {
        assertThatThrownBy(() -> RequestMix.parsePath("cpu:3"))
                .hasMessage("--path: \"cpu\" (expected: /PATH[?QUERY][:WEIGHT], e.g. /cpu?ms=20:3)");
        assertThatThrownBy(() -> RequestMix.parsePath("/a:0")).hasMessage("--path: weight 0 of /a (expected: 1..1000)");
        assertThatThrownBy(() -> RequestMix.parseHeader("Host: example.com")).hasMessageStartingWith("--header: \"Host: example.com\"");
        assertThatThrownBy(() -> RequestMix.parseHeader("no colon")).hasMessageContaining("expected: NAME: VALUE");
        assertThatThrownBy(() -> new RequestMix("GE T", List.of(), null, List.of(RequestMix.parsePath("/"))))
                .hasMessage("--method: \"GE T\" (expected: an HTTP method such as GET or POST)");
    }

    @Test
    void requestsFollowTheWeightsInOrder() {
        RequestMix mix = new RequestMix("GET", List.of(), null, List.of(RequestMix.parsePath("/a:3"), RequestMix.parsePath("/b:1")));
        assertThat(List.of(0L, 1L, 2L, 3L, 4L, 7L).stream().map(mix::pathIndex)).containsExactly(0, 0, 0, 1, 0, 1);
        assertThat(mix.describe()).isEqualTo("/a:3, /b:1");
        assertThat(new RequestMix("POST", List.of(RequestMix.parseHeader("A: b")), new byte[12], List.of(RequestMix.parsePath("/x")))
                .describe()).isEqualTo("POST /x (1 header, 12-byte body)");
    }

    @Test
    void hostCpuIsTheBusyShareOfAllCoresBetweenTwoReadings() {
        HostCpu a = HostCpu.parse("cpu  100 0 50 800 50 0 0 0 0 0");
        HostCpu b = HostCpu.parse("cpu  250 0 100 850 50 0 0 0 0 0");
        assertThat(b.busySince(a)).isEqualTo(0.8);
        assertThat(a.busySince(a)).isEqualTo(-1);
    }
}
