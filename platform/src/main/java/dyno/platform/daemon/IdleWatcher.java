package dyno.platform.daemon;

import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoState;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Decides when a lone web dyno sleeps: only when the formation has exactly one web dyno of a
 * size that idles (eco, basic, 1X), it is up, and for {@code idleAfter} no request came and none
 * was in flight, streaming or tunnelled (the caller passes the last such moment). Pure: time is
 * passed in.
 */
final class IdleWatcher {
    private final Duration idleAfter;

    IdleWatcher(Duration idleAfter) {
        this.idleAfter = idleAfter;
    }

    /** The dyno to idle now, if any. */
    Optional<String> dueAt(long nowMillis, long lastActivityMillis, Formation formation, List<DynoInfo> dynos) {
        Optional<FormationEntry> web = formation.entry("web");
        if (web.isEmpty() || web.get().quantity() != 1 || !web.get().size().idles()) {
            return Optional.empty();
        }
        return dynos.stream()
                .filter(d -> d.isWeb() && d.state() == DynoState.UP)
                .filter(d -> nowMillis - Math.max(lastActivityMillis, d.updatedAt().toEpochMilli()) >= idleAfter.toMillis())
                .map(DynoInfo::name)
                .findFirst();
    }
}
