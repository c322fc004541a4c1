package dyno.router.cli;

import dyno.router.RequestObserver;

/**
 * What the platform adds to {@code dyno router} (its runtime API, metrics and dashboard) without the
 * router knowing the platform: an observer of every request, and a hook once the router listens.
 */
public interface RouterExtension {
    /** No additions: the router alone. */
    RouterExtension NONE = new RouterExtension() {
    };

    /** Told of every completed request, on event loops: return quickly, never block. */
    default RequestObserver observer() {
        return RequestObserver.NONE;
    }

    /**
     * Called once the router listens and its backends are registered; what it returns is closed
     * when the router stops.
     *
     * @throws Exception to stop the router with that message (one line, exit 1)
     */
    default AutoCloseable started(RunningRouter running) throws Exception {
        return () -> { };
    }
}
