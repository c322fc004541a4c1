package dyno.router;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/** Which settings of two {@link RouterConfig}s differ, split into those a running router can apply and the rest. */
final class ConfigDiff {
    /** Applied by {@link Router#reconfigure}. */
    static final Set<String> LIVE = Set.of("host", "port", "healthPath", "healthInterval", "healthTimeout", "fall",
            "rise", "healthStatus", "healthHost", "quarantine", "maxAttempts", "connectTimeout", "firstByteTimeout",
            "idleTimeout", "headerTimeout", "holdTimeout", "maxHeld", "maxInFlightPerDyno", "maxConnections",
            "maxConnectionsPerClient", "maxHeadBytes", "dynoKeepAlive", "accessLog", "balance", "slowStart", "queueTimeout", "maxConcurrentStreams", "affinity");
    /** Settings of the health checks: any change restarts them. */
    static final Set<String> HEALTH = Set.of("healthPath", "healthInterval", "healthTimeout", "fall", "rise",
            "healthStatus", "healthHost");

    private final List<String> live = new ArrayList<>();
    private final List<String> restart = new ArrayList<>();

    /** Compares every component; one not in {@link #LIVE} (threads, observer, any new one) needs a restart. */
    ConfigDiff(RouterConfig from, RouterConfig to) {
        for (RecordComponent c : RouterConfig.class.getRecordComponents()) {
            if (!Objects.equals(value(c, from), value(c, to))) {
                (LIVE.contains(c.getName()) ? live : restart).add(c.getName());
            }
        }
    }

    private static Object value(RecordComponent c, RouterConfig config) {
        try {
            return c.getAccessor().invoke(config);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("RouterConfig." + c.getName() + "()", e);
        }
    }

    boolean changed(String name) {
        return live.contains(name);
    }

    boolean healthChanged() {
        return live.stream().anyMatch(HEALTH::contains);
    }

    boolean listenerChanged() {
        return changed("host") || changed("port");
    }

    Reconfigured result() {
        return new Reconfigured(live, restart);
    }
}
