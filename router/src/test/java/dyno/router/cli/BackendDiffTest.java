package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.AdminState;
import dyno.router.BackendStatus;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackendDiffTest {
    private static InetSocketAddress at(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    private static BackendStatus running(String name, int port, int weight) {
        return new BackendStatus(name, at(port), weight, AdminState.READY, true, 0);
    }

    @Test
    void namesUnnamedBackendsWebNInOrderAtStart() {
        BackendDiff d = BackendDiff.of(List.of(), List.of(new BackendSpec(null, at(1), 1),
                new BackendSpec("web.1", at(2), 1), new BackendSpec(null, at(3), 2)));
        assertThat(d.toAdd()).extracting(BackendSpec::name).containsExactly("web.2", "web.1", "web.3");
        assertThat(d.removed()).isEmpty();
    }

    @Test
    void anUnnamedBackendKeepsTheNameOfTheOneAtItsAddress() {
        List<BackendStatus> now = List.of(running("web.1", 1, 1), running("web.2", 2, 1), running("web.3", 3, 1));
        // the first backend is gone from the file: the others keep their names, none is moved
        BackendDiff d = BackendDiff.of(now, List.of(new BackendSpec(null, at(2), 1), new BackendSpec(null, at(3), 4),
                new BackendSpec(null, at(4), 1)));
        assertThat(d.removed()).containsExactly("web.1");
        assertThat(d.toMove()).isEmpty();
        assertThat(d.toReweight()).extracting(BackendSpec::name).containsExactly("web.3");
        assertThat(d.toAdd()).extracting(BackendSpec::name).containsExactly("web.4");
        assertThat(d.added()).containsExactly("web.4");
        assertThat(d.changed()).containsExactly("web.3");
    }

    @Test
    void aNamedBackendAtANewAddressMoves() {
        BackendDiff d = BackendDiff.of(List.of(running("api", 1, 1)), List.of(new BackendSpec("api", at(9), 1)));
        assertThat(d.toMove()).extracting(BackendSpec::address).containsExactly(at(9));
        assertThat(d.toAdd()).isEmpty();
        assertThat(d.removed()).isEmpty();
    }

    @Test
    void nothingChangesForTheSameBackends() {
        BackendDiff d = BackendDiff.of(List.of(running("web.1", 1, 1), running("web.2", 2, 3)),
                List.of(new BackendSpec(null, at(1), 1), new BackendSpec(null, at(2), 3)));
        assertThat(d.toAdd()).isEmpty();
        assertThat(d.toMove()).isEmpty();
        assertThat(d.toReweight()).isEmpty();
        assertThat(d.removed()).isEmpty();
    }
}
