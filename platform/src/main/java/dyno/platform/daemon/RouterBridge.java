package dyno.platform.daemon;

import dyno.router.DynoRegistry;
import dyno.router.RouterListener;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoRuntime;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the router's registry in step with the web dynos, and its holding with the app's intent.
 * A dyno is registered when it is up; one that comes up on a new port (a preboot successor) takes
 * the old address's place in one step while the old run's requests finish there; a dyno is
 * drained before the manager signals it; a crashed one stays registered but down, so the router
 * answers H10, even for a dyno that crashed before it was ever up. Requests that find no dyno up
 * are held while the manager's {@link AppIntent} says the app is on its way to serving
 * (starting, restarting, waking, sleeping), and answered at once when it crashed or is stopped.
 *
 * <p>Manager callbacks arrive on the manager thread; {@link #wakeRequested} on a router event loop.
 */
final class RouterBridge implements DynoListener, RouterListener {
    private final DynoRegistry registry;
    private final Duration drainDeadline;
    private final Consumer<LogLine> log;
    private final Supplier<DynoRuntime> manager;
    /** Registered web dynos and the port they were registered with; manager thread only. */
    private final Map<String, Integer> registered = new HashMap<>();
    /** Drains of runs replaced by a successor on another port, by {@code name:port}, until the run is stopped. */
    private final Map<String, CompletableFuture<Void>> replaced = new ConcurrentHashMap<>();

    RouterBridge(DynoRegistry registry, Duration drainDeadline, Consumer<LogLine> log, Supplier<DynoRuntime> manager) {
        this.registry = registry;
        this.drainDeadline = drainDeadline;
        this.log = log;
        this.manager = manager;
    }

    @Override
    public void log(LogLine line) {
        log.accept(line);
    }

    @Override
    public void stateChanged(DynoInfo dyno, dyno.runtime.manager.DynoState from) {
        if (!dyno.isWeb()) {
            return;
        }
        String name = dyno.name();
        switch (dyno.state()) {
            case UP -> {
                Integer old = registered.put(name, dyno.port());
                InetSocketAddress address = new InetSocketAddress("127.0.0.1", dyno.port());
                if (old == null) {
                    registry.add(name, address);
                } else if (old != dyno.port()) {
                    // a successor (or a crashed dyno's new run): new requests go to it at once
                    String key = name + ":" + old;
                    CompletableFuture<Void> drain = registry.replace(name, address, drainDeadline);
                    registry.markUp(name);
                    if (!drain.isDone()) {
                        replaced.put(key, drain);
                        drain.whenComplete((x, e) -> replaced.remove(key, drain));
                    }
                } else {
                    registry.markUp(name);
                }
            }
            case CRASHED -> {
                if (!registered.containsKey(name)) { // crashed before it was ever up: H10, not H14
                    registry.add(name, new InetSocketAddress("127.0.0.1", dyno.port()));
                    registered.put(name, dyno.port());
                }
                registry.markDown(name);
            }
            case DOWN, IDLE -> {
                if (registered.remove(name) != null) {
                    registry.remove(name, Duration.ZERO);
                }
            }
            default -> {
            }
        }
    }

    @Override
    public void intentChanged(AppIntent intent) {
        registry.hold(intent.holds());
    }

    @Override
    public CompletionStage<Void> beforeStop(DynoInfo dyno) {
        if (!dyno.isWeb()) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> drain = replaced.remove(dyno.name() + ":" + dyno.port());
        if (drain != null) {
            return drain; // a run its successor replaced: already draining
        }
        Integer port = registered.get(dyno.name());
        if (port == null || port != dyno.port()) {
            return CompletableFuture.completedFuture(null); // never registered (a successor cancelled while booting)
        }
        registered.remove(dyno.name());
        return registry.remove(dyno.name(), drainDeadline);
    }

    @Override
    public void wakeRequested() {
        DynoRuntime m = manager.get();
        if (m == null) {
            return;
        }
        // idle ones, and ones still being put to sleep (the manager wakes those once they are down)
        m.dynos().stream().filter(DynoInfo::isWeb).forEach(d -> m.wake(d.name()).exceptionally(scaledAway -> null));
    }
}
