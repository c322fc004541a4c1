package dyno.runtime.manager;

import java.util.concurrent.CompletableFuture;

/**
 * A one-off dyno started by the manager ({@code run.N} of {@code dyno run --detached}, or the
 * release phase's {@code release.N}): its name, and its exit status once it ends (143 when it was
 * stopped).
 */
public record OneOff(String name, CompletableFuture<Integer> exit) {
}
