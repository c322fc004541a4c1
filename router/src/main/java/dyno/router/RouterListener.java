package dyno.router;

import dyno.router.health.HealthTransition;

/** Callbacks from the router to the platform. Called on event loop threads: return quickly, never block. */
public interface RouterListener {

    /** A listener that ignores everything. */
    RouterListener NONE = new RouterListener() {
    };

    /**
     * A request arrived while no dyno is up and holding is on ({@link DynoRegistry#hold(boolean)}).
     * Called once per holding episode: again only after a dyno came up or holding was switched on anew.
     */
    default void wakeRequested() {
    }

    /**
     * Health checks took a dyno out of rotation or brought it back; called once per transition, on
     * an event loop. The router has already logged it at INFO ({@code dyno.router.health}).
     */
    default void healthChanged(HealthTransition transition) {
    }
}
