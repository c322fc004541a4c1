package dyno.kubernetes;

import dyno.runtime.manager.AppIntent;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import java.util.List;

/**
 * What the web process type is doing on Kubernetes, as a router should see it: {@code serving}
 * once any web pod is listed ready in a slice (so that a router stops holding only when it can
 * route), {@code sleeping} while the idler has it scaled to 0, {@code waking} after a wake,
 * {@code crashed} when every web pod crashed, {@code stopped} when web is scaled to 0 by the user.
 * The runtime thread owns it.
 */
final class WebIntent {
    private boolean idled;
    private boolean waking;
    private boolean everUp;

    /** Whether the idler has web scaled to 0. */
    boolean idled() {
        return idled;
    }

    /** The idler scaled web to 0. */
    void idle() {
        idled = true;
    }

    /** Web was scaled back for a request; waking until a pod serves. */
    void wake() {
        idled = false;
        waking = true;
    }

    /** The user scaled or resized web: whatever it is now, it is not asleep. */
    void userChanged() {
        idled = false;
    }

    /** The intent for web dynos {@code web} when {@code wanted} are wanted and {@code anyReady} endpoint is ready. */
    AppIntent of(List<DynoInfo> web, boolean anyReady, int wanted) {
        if (anyReady) {
            everUp = true;
            waking = false;
            return AppIntent.SERVING;
        }
        if (idled) {
            return AppIntent.SLEEPING;
        }
        if (wanted == 0) {
            return AppIntent.STOPPED;
        }
        if (waking) {
            return AppIntent.WAKING;
        }
        if (!web.isEmpty() && web.stream().allMatch(d -> d.state() == DynoState.CRASHED)) {
            return AppIntent.CRASHED;
        }
        return everUp ? AppIntent.RESTARTING : AppIntent.STARTING;
    }
}
