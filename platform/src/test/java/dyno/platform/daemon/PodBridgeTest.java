package dyno.platform.daemon;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.kubernetes.PodEndpoint;
import dyno.router.DynoRegistry;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** {@link PodBridge}: endpoint and state changes of pods become the router's registry calls. */
class PodBridgeTest {
    private static final InetSocketAddress A = new InetSocketAddress("10.0.0.7", 5000);
    private static final InetSocketAddress B = new InetSocketAddress("10.0.0.8", 5000);

    private final Calls registry = new Calls();
    private final PodBridge bridge = new PodBridge(registry, Duration.ofSeconds(30), line -> { }, () -> null);

    private static DynoInfo web(String name, DynoState state) {
        return new DynoInfo(name, "web", state, DynoSize.STANDARD_1X, "./server", 5000, 0, Instant.EPOCH,
                Instant.EPOCH, 0, false);
    }

    @Test
    void aReadyEndpointIsAddedAndATerminatingOneDrainedWithTheStopTimeout() {
        bridge.changed(new PodEndpoint("web-a", A, true, false));
        bridge.changed(new PodEndpoint("web-a", A, false, true));
        bridge.removed("web-a");

        assertThat(registry.calls).containsExactly("add web-a " + A, "remove web-a PT30S");
    }

    @Test
    void aPodOnANewAddressReplacesTheOldOne() {
        bridge.changed(new PodEndpoint("web-a", A, true, false));
        bridge.changed(new PodEndpoint("web-a", B, true, false));

        assertThat(registry.calls).containsExactly("add web-a " + A, "replace web-a " + B, "markUp web-a");
    }

    @Test
    void aRegisteredPodFailingReadinessIsMarkedDownThenUpAgain() {
        bridge.changed(new PodEndpoint("web-a", A, true, false));
        bridge.changed(new PodEndpoint("web-a", A, false, false));
        bridge.changed(new PodEndpoint("web-a", A, true, false));

        assertThat(registry.calls).containsExactly("add web-a " + A, "markDown web-a", "markUp web-a");
    }

    @Test
    void aStartingPodNotReadyIsNotRegisteredButACrashedOneIsRegisteredDownForH10() {
        bridge.changed(new PodEndpoint("web-a", A, false, false));
        assertThat(registry.calls).isEmpty(); // booting: requests are held, not answered H10

        bridge.stateChanged(web("web-a", DynoState.CRASHED), DynoState.STARTING);

        assertThat(registry.calls).containsExactly("add web-a " + A, "markDown web-a");
    }

    @Test
    void theIntentDecidesWhetherRequestsAreHeld() {
        bridge.intentChanged(AppIntent.SLEEPING);
        bridge.intentChanged(AppIntent.STOPPED);

        assertThat(registry.calls).containsExactly("hold true", "hold false");
    }

    /** Records the calls a bridge makes. */
    private static final class Calls implements DynoRegistry {
        final List<String> calls = new ArrayList<>();

        @Override
        public void add(String name, InetSocketAddress address) {
            calls.add("add " + name + " " + address);
        }

        @Override
        public void add(String name, InetSocketAddress address, int weight) {
            calls.add("add " + name + " " + address + " " + weight);
        }

        @Override
        public CompletableFuture<Void> remove(String name, Duration drainDeadline) {
            calls.add("remove " + name + " " + drainDeadline);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> replace(String name, InetSocketAddress address, Duration drainDeadline) {
            calls.add("replace " + name + " " + address);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void weight(String name, int weight) {
            calls.add("weight " + name + " " + weight);
        }

        @Override
        public void markDown(String name) {
            calls.add("markDown " + name);
        }

        @Override
        public void markUp(String name) {
            calls.add("markUp " + name);
        }

        @Override
        public void hold(boolean holding) {
            calls.add("hold " + holding);
        }

        @Override
        public List<String> names() {
            return List.of();
        }

        @Override
        public int inFlight(String name) {
            return 0;
        }

        @Override
        public int held() {
            return 0;
        }

        @Override
        public CompletableFuture<Void> drain(String name, Duration deadline) {
            calls.add("drain " + name);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public List<dyno.router.BackendStatus> status() {
            return List.of();
        }
    }
}
