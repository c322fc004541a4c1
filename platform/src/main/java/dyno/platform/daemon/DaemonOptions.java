package dyno.platform.daemon;

import dyno.router.RouterConfig;
import dyno.runtime.manager.ManagerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code dyno up} was asked for.
 *
 * @param formation {@code ps:scale}-style arguments applied to the starting formation, may be empty
 * @param idleAfter null for Heroku's default (1 h; 30 min for eco)
 */
public record DaemonOptions(Path dir, String appName, Path envFile, List<String> formation, Duration idleAfter,
                            RouterConfig router, ManagerSettings manager) {
    public DaemonOptions {
        formation = List.copyOf(formation);
    }
}
