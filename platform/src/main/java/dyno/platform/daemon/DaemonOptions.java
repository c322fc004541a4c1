package dyno.platform.daemon;

import static java.util.Objects.requireNonNull;

import dyno.router.RouterConfig;
import dyno.router.log.AccessLogSettings;
import dyno.runtime.manager.ManagerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code dyno up} was asked for.
 *
 * @param formation {@code ps:scale}-style arguments applied to the starting formation, may be empty
 * @param idleAfter null for Heroku's default (1 h; 30 min for eco)
 * @param apiPort the control API's port on 127.0.0.1, 0 for any free one
 * @param metricsPublic whether {@code GET /metrics} may be scraped without the token
 * @param accessLog where the router's access lines go ({@code DEFAULT}: the app log) and their format
 * @param procfile the Procfile to read instead of {@code DIR/Procfile} ({@code -f}), null for that one
 */
public record DaemonOptions(Path dir, String appName, Path envFile, List<String> formation, Duration idleAfter,
                            RouterConfig router, ManagerSettings manager, int apiPort, boolean metricsPublic,
                            AccessLogSettings accessLog, Path procfile) {
    public DaemonOptions {
        formation = List.copyOf(formation);
        requireNonNull(accessLog, "accessLog");
        if (apiPort < 0 || apiPort > 65535) {
            throw new IllegalArgumentException("api port: " + apiPort + " (expected: 0..65535)");
        }
    }

    /** Options that read {@code DIR/Procfile}. */
    public DaemonOptions(Path dir, String appName, Path envFile, List<String> formation, Duration idleAfter,
                         RouterConfig router, ManagerSettings manager, int apiPort, boolean metricsPublic,
                         AccessLogSettings accessLog) {
        this(dir, appName, envFile, formation, idleAfter, router, manager, apiPort, metricsPublic, accessLog, null);
    }

    /** These options with the process types read from {@code procfile} (null: {@code DIR/Procfile}). */
    public DaemonOptions withProcfile(Path procfile) {
        return new DaemonOptions(dir, appName, envFile, formation, idleAfter, router, manager, apiPort, metricsPublic,
                accessLog, procfile);
    }

    /** Options with the control API on any free port, /metrics behind the token, heroku access lines in the app log. */
    public DaemonOptions(Path dir, String appName, Path envFile, List<String> formation, Duration idleAfter,
                         RouterConfig router, ManagerSettings manager) {
        this(dir, appName, envFile, formation, idleAfter, router, manager, 0, false, AccessLogSettings.DEFAULT);
    }
}
