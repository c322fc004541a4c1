package dyno.router;

import java.util.List;

/**
 * What {@link Router#reconfigure} did, by {@link RouterConfig} component name ({@code idleTimeout},
 * {@code balance}, {@code port}, ...).
 *
 * @param applied settings that differed and now apply
 * @param needRestart settings that differed but only apply to a new router ({@code threads},
 *                    {@code observer}); the router keeps its own
 */
public record Reconfigured(List<String> applied, List<String> needRestart) {
    public Reconfigured {
        applied = List.copyOf(applied);
        needRestart = List.copyOf(needRestart);
    }

    /** True when nothing differed. */
    public boolean unchanged() {
        return applied.isEmpty() && needRestart.isEmpty();
    }
}
