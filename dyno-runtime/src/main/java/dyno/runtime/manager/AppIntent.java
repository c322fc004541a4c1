package dyno.runtime.manager;

import java.util.Collection;
import java.util.Locale;

/**
 * What the app's web process type is doing, as the manager means it: what a router needs to
 * answer a request that finds no web dyno up. Hold it while the app is on its way to serving
 * ({@link #holds()}); answer H10 when it crashed, H14 when no web dyno is wanted.
 */
public enum AppIntent {
    /** No web dyno was ever up since the manager started; the first ones are booting. */
    STARTING,
    /** At least one web dyno is up and not being stopped. */
    SERVING,
    /** Web dynos are being restarted (or resized, or replaced after a crash) and none serves now. */
    RESTARTING,
    /** Every web dyno is idle: the next request wakes them. */
    SLEEPING,
    /** Idle web dynos were asked to wake and are booting. */
    WAKING,
    /** Every wanted web dyno crashed (each waits for its restart). */
    CRASHED,
    /** The formation wants no web dyno (or the manager is shutting down). */
    STOPPED;

    /** Lower-case name: {@code serving}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a request that finds no web dyno up should wait for one rather than be answered now. */
    public boolean holds() {
        return this == STARTING || this == RESTARTING || this == SLEEPING || this == WAKING;
    }

    /** The intent of web dynos {@code web} (the slots in the formation) when {@code wanted} are wanted. */
    static AppIntent of(Collection<Dyno> web, int wanted, boolean closing) {
        if (closing || wanted == 0 || web.isEmpty()) {
            return STOPPED;
        }
        boolean everUp = false;
        boolean waking = false;
        boolean crashedAll = true;
        boolean idleAll = true;
        for (Dyno d : web) {
            if (d.state == DynoState.UP && d.stop == null) {
                return SERVING;
            }
            everUp |= d.wasUp;
            waking |= d.waking;
            crashedAll &= d.state == DynoState.CRASHED && d.stop == null && d.successor == null;
            idleAll &= d.state == DynoState.IDLE && (d.stop == null || !d.stop.relaunch);
        }
        if (crashedAll) {
            return CRASHED;
        }
        if (idleAll) {
            return SLEEPING;
        }
        if (waking) {
            return WAKING;
        }
        return everUp ? RESTARTING : STARTING;
    }
}
