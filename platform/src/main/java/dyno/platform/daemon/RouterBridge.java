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
 * router answers H10), and holds requests while a web dyno is starting or idle.
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
                if (registered.containsKey(name)) {
                    registry.markDown(name);
                }
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
        boolean anyUp = webStates.containsValue(DynoState.UP);
        boolean waking = webStates.containsValue(DynoState.STARTING) || webStates.containsValue(DynoState.IDLE);
        registry.hold(!anyUp && waking);
    }

    @Override
    public CompletionStage<Void> beforeStop(DynoInfo dyno) {
        if (!dyno.isWeb() || !registered.containsKey(dyno.name())) {
            return CompletableFuture.completedFuture(null);
        }
        registered.remove(dyno.name());
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
