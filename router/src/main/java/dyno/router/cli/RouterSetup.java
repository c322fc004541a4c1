package dyno.router.cli;

import static java.util.Objects.requireNonNull;

import dyno.router.RouterConfig;
import dyno.router.log.AccessLogSettings;
import java.util.List;

/**
 * Everything {@code dyno router} was told, from flags or a config file: the router's settings (its
 * access log sink not yet opened), the backends in order, and where access lines go.
 */
public record RouterSetup(RouterConfig config, List<BackendSpec> backends, AccessLogSettings log) {
    public RouterSetup {
        requireNonNull(config, "config");
        backends = List.copyOf(backends);
        requireNonNull(log, "log");
    }
}
