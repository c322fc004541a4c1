package dyno.runtime.manager;

import dyno.runtime.log.LogLine;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Hears what the manager does. State changes and manager events are called on the manager's
 * thread; process output ({@code app} log lines) and the L12 event counting dropped output lines
 * on the dyno's output reader thread. Return quickly. All methods have no-op defaults.
 */
public interface DynoListener {
    /** {@code dyno} changed from {@code from} to its current state. */
    default void stateChanged(DynoInfo dyno, DynoState from) {
    }

    /**
     * What the web process type is doing changed (manager thread): called after the state change
     * that caused it, and before a dyno is drained ({@link #beforeStop}), so a router can hold
     * requests from that moment on.
     */
    default void intentChanged(AppIntent intent) {
    }

    /** A line of process output or a manager event. */
    default void log(LogLine line) {
    }

    /**
     * {@code dyno} is about to be signalled on purpose (scale down, restart, idle, shutdown); the
     * manager waits for the returned stage (e.g. the router draining it) before SIGTERM.
     */
    default CompletionStage<Void> beforeStop(DynoInfo dyno) {
        return CompletableFuture.completedFuture(null);
    }
}
