package dyno.runtime.manager;

import dyno.runtime.formation.Formation;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Where an app's dynos run: what the platform's control API, idler and router wiring need from
 * it. {@link DynoManager} runs them as local processes; the {@code kubernetes} module runs them as
 * pods. Implementations report states, intent changes and log lines to a {@link DynoListener}.
 *
 * <p>Methods may be called from any thread; the futures complete on the runtime's own threads.
 */
public interface DynoRuntime extends AutoCloseable {

    /** Starts running {@code initial}. */
    void start(Formation initial);

    /** The current formation. */
    Formation formation();

    /** The dynos with their states, ordered by type and name. */
    List<DynoInfo> dynos();

    /** What the web process type is doing now, as the router should see it. */
    AppIntent intent();

    /** Applies {@code ps:scale} arguments; fails, changing nothing, naming the bad argument. */
    CompletableFuture<Formation> scale(List<String> arguments);

    /** Replaces the entries of {@code next}'s types in the formation. */
    CompletableFuture<Formation> update(Formation next);

    /**
     * Restarts the dynos matching {@code target} (all when null; a type such as {@code web}; or one
     * dyno), keeping as many serving as before: a new one is up before an old one stops.
     */
    CompletableFuture<Void> restart(String target);

    /** Puts web dyno {@code name} to sleep ({@code idle}); the next request wakes it. */
    CompletableFuture<Void> idle(String name);

    /** Wakes an idle dyno; returns at once, the dyno reports {@code up} later. */
    CompletableFuture<Void> wake(String name);

    /** Stops one-off {@code name}; a runtime without one-off dynos fails the future. */
    default CompletableFuture<Void> stopOneOff(String name) {
        return CompletableFuture.failedFuture(new IllegalArgumentException(
                "dyno: " + name + " (expected: a one-off dyno; this runtime has none)"));
    }

    /** Resident memory of each running dyno in bytes, where the runtime measures it. */
    default Map<String, Long> residentBytes() {
        return Map.of();
    }

    /** CPU and memory each running dyno uses against its size's limits, where the runtime measures them. */
    default Map<String, ResourceUsage> usage() {
        return Map.of();
    }

    /** Stops watching and releases the runtime's resources (what happens to the dynos is the runtime's). */
    @Override
    void close();
}
