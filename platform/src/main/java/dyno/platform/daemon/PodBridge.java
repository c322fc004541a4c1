package dyno.platform.daemon;

import dyno.kubernetes.EndpointListener;
import dyno.kubernetes.PodEndpoint;
import dyno.router.DynoRegistry;
import dyno.router.RouterListener;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoRuntime;
import dyno.runtime.manager.DynoState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the router's registry in step with the web pods' endpoints, for the Kubernetes runtime: a
 * ready endpoint is registered (or moved, for a pod on a new address), a terminating one drained
 * while its pod still serves, a vanished one removed. A web pod that crashed (crash loop, R10) is
 * registered down, so the router answers H10. Requests are held while the runtime's intent says the
 * app is on its way to serving, and a held request's wake goes to the runtime.
 *
 * <p>Runtime callbacks arrive on the runtime thread; {@link #wakeRequested} on a router event loop.
 */
final class PodBridge implements DynoListener, EndpointListener, RouterListener {
    private final DynoRegistry registry;
    private final Duration drainDeadline;
    private final Consumer<LogLine> log;
    private final Supplier<DynoRuntime> runtime;
    /** Registered pods and their addresses; runtime thread only. */
    private final Map<String, InetSocketAddress> registered = new HashMap<>();
    /** The last endpoint of each listed pod; runtime thread only. */
    private final Map<String, PodEndpoint> seen = new HashMap<>();
    /** Web pods the runtime reports crashed; runtime thread only. */
    private final Set<String> crashed = new HashSet<>();

    PodBridge(DynoRegistry registry, Duration drainDeadline, Consumer<LogLine> log, Supplier<DynoRuntime> runtime) {
        this.registry = registry;
        this.drainDeadline = drainDeadline;
        this.log = log;
        this.runtime = runtime;
    }

    @Override
    public void changed(PodEndpoint endpoint) {
        String name = endpoint.dyno();
        seen.put(name, endpoint);
        if (endpoint.terminating()) {
            // still serving what it has; new requests go to the others
            if (registered.remove(name) != null) {
                registry.remove(name, drainDeadline);
            }
        } else if (endpoint.ready()) {
            InetSocketAddress old = registered.put(name, endpoint.address());
            if (old == null) {
                registry.add(name, endpoint.address());
            } else if (!old.equals(endpoint.address())) {
                registry.replace(name, endpoint.address(), drainDeadline);
                registry.markUp(name);
            } else {
                registry.markUp(name);
            }
        } else if (registered.containsKey(name)) {
            registry.markDown(name); // failing its readiness probe
        } else if (crashed.contains(name)) {
            registerDown(name, endpoint.address());
        }
    }

    @Override
    public void removed(String dyno) {
        seen.remove(dyno);
        if (registered.remove(dyno) != null) {
            registry.remove(dyno, drainDeadline);
        }
    }

    @Override
    public void stateChanged(DynoInfo dyno, DynoState from) {
        if (!dyno.isWeb()) {
            return;
        }
        if (dyno.state() != DynoState.CRASHED) {
            crashed.remove(dyno.name());
            return;
        }
        crashed.add(dyno.name());
        PodEndpoint endpoint = seen.get(dyno.name());
        if (endpoint != null && !endpoint.terminating()) {
            if (registered.containsKey(dyno.name())) {
                registry.markDown(dyno.name());
            } else {
                registerDown(dyno.name(), endpoint.address()); // crashed before it was ever ready: H10, not H14
            }
        }
    }

    private void registerDown(String name, InetSocketAddress address) {
        registered.put(name, address);
        registry.add(name, address);
        registry.markDown(name);
    }

    @Override
    public void intentChanged(AppIntent intent) {
        registry.hold(intent.holds());
    }

    @Override
    public void log(LogLine line) {
        log.accept(line);
    }

    @Override
    public void wakeRequested() {
        DynoRuntime r = runtime.get();
        if (r == null) {
            return;
        }
        // idle, or still being put to sleep: the runtime wakes web only when it had idled it
        r.dynos().stream().filter(DynoInfo::isWeb).findFirst().ifPresent(d -> r.wake(d.name()));
    }
}
