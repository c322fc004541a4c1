package dyno.platform.daemon;

import dyno.router.DynoRegistry;
import dyno.router.RouterListener;
import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoManager;
import dyno.runtime.manager.DynoState;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Keeps the router's registry in step with the web dynos: registers a dyno when it is up,
 * drains it before the manager signals it, keeps a crashed one registered but down (so the
 * router answers H10, even for a dyno that crashed before it was ever up), and tells the router
 * what the app intends: while the formation wants web dynos and none is up, but not all of them
 * crashed (starting, restarting, waking, idle), requests are held rather than answered H14.
 *
 * <p>Manager callbacks arrive on the manager thread; {@link #wakeRequested} on a router event loop.
 */
final class RouterBridge implements DynoListener, RouterListener {
    private final DynoRegistry registry;
    private final Duration drainDeadline;
    private final Consumer<LogLine> log;
    private final Supplier<DynoManager> manager;
    /** Registered web dynos and the port they were registered with; manager thread only. */
    private final Map<String, Integer> registered = new HashMap<>();
    private final Map<String, DynoState> webStates = new HashMap<>();

    RouterBridge(DynoRegistry registry, Duration drainDeadline, Consumer<LogLine> log, Supplier<DynoManager> manager) {
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
    public void stateChanged(DynoInfo dyno, DynoState from) {
        if (!dyno.isWeb()) {
            return;
        }
        String name = dyno.name();
        webStates.put(name, dyno.state());
        switch (dyno.state()) {
            case UP -> {
                Integer old = registered.get(name);
                if (old == null) {
                    registry.add(name, new InetSocketAddress("127.0.0.1", dyno.port()));
                } else if (old != dyno.port()) {
                    registry.remove(name, Duration.ZERO).join();
                    registry.add(name, new InetSocketAddress("127.0.0.1", dyno.port()));
                } else {
                    registry.markUp(name);
                }
                registered.put(name, dyno.port());
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
                if (dyno.state() == DynoState.DOWN) {
                    webStates.remove(name);
                }
            }
            default -> {
            }
        }
        updateHold();
    }

    /** Holds while the app is meant to serve and no web dyno does yet, unless every one crashed. */
    private void updateHold() {
        boolean serving = registered.keySet().stream().anyMatch(n -> webStates.get(n) == DynoState.UP);
        boolean allCrashed = !webStates.isEmpty() && webStates.values().stream().allMatch(s -> s == DynoState.CRASHED);
        registry.hold(!serving && !allCrashed && webWanted());
    }

    private boolean webWanted() {
        DynoManager m = manager.get();
        return m != null && m.formation().entry("web").map(e -> e.quantity() > 0).orElse(false);
    }

    @Override
    public CompletionStage<Void> beforeStop(DynoInfo dyno) {
        if (!dyno.isWeb() || !registered.containsKey(dyno.name())) {
            return CompletableFuture.completedFuture(null);
        }
        registered.remove(dyno.name());
        // Hold first: between the drain's start and the hold, a request would find no dyno and get H14.
        updateHold(); // a restart or idling of the last web dyno: new requests wait for its successor
        return registry.remove(dyno.name(), drainDeadline);
    }

    @Override
    public void wakeRequested() {
        DynoManager m = manager.get();
        if (m == null) {
            return;
        }
        List<DynoInfo> idle = m.dynos().stream().filter(d -> d.isWeb() && d.state() == DynoState.IDLE).toList();
        idle.forEach(d -> m.wake(d.name()));
    }
}
