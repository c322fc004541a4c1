package dyno.kubernetes;

import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.net.InetSocketAddress;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The web pods' endpoints merged from all slices of the web Service, and what changed since the
 * last look. A slice may list many pods (a real cluster) or one (the tests' fake controller). Only
 * its owner thread touches it.
 */
final class EndpointTable {
    private Map<String, PodEndpoint> current = Map.of();

    /** Replaces the table with what {@code slices} say, telling {@code listener} the differences. */
    void update(Collection<EndpointSlice> slices, String portName, EndpointListener listener) {
        Map<String, PodEndpoint> next = read(slices, portName);
        for (Map.Entry<String, PodEndpoint> e : next.entrySet()) {
            if (!Objects.equals(current.get(e.getKey()), e.getValue())) {
                listener.changed(e.getValue());
            }
        }
        for (String dyno : current.keySet()) {
            if (!next.containsKey(dyno)) {
                listener.removed(dyno);
            }
        }
        current = next;
    }

    /** The endpoint of each pod now listed. */
    Map<String, PodEndpoint> endpoints() {
        return current;
    }

    static Map<String, PodEndpoint> read(Collection<EndpointSlice> slices, String portName) {
        Map<String, PodEndpoint> out = new HashMap<>();
        for (EndpointSlice slice : slices) {
            Integer port = port(slice, portName);
            if (port == null || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint e : slice.getEndpoints()) {
                if (e.getTargetRef() == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
                    continue;
                }
                var c = e.getConditions();
                // unset ready means ready (discovery.k8s.io/v1); a terminating pod may still be serving
                boolean terminating = c != null && Boolean.TRUE.equals(c.getTerminating());
                boolean ready = !terminating && (c == null || c.getReady() == null || c.getReady());
                String dyno = e.getTargetRef().getName();
                // an IP literal: no name lookup
                out.put(dyno, new PodEndpoint(dyno, new InetSocketAddress(e.getAddresses().get(0), port), ready, terminating));
            }
        }
        return out;
    }

    private static Integer port(EndpointSlice slice, String portName) {
        if (slice.getPorts() == null) {
            return null;
        }
        for (EndpointPort p : slice.getPorts()) {
            if (p.getPort() != null && (slice.getPorts().size() == 1 || portName.equals(p.getName()))) {
                return p.getPort();
            }
        }
        return null;
    }
}
