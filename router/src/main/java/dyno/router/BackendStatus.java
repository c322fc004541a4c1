package dyno.router;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * One registered backend as {@link DynoRegistry#status()} saw it.
 *
 * @param weight its weight, 0..256, kept while it is drained or in maintenance
 * @param admin what an operator set
 * @param healthy the health checks' verdict (true when checks are off)
 * @param inFlight requests in flight to it, at its address and at any it is still draining from
 */
public record BackendStatus(String name, InetSocketAddress address, int weight, AdminState admin, boolean healthy,
                            int inFlight) {
    public BackendStatus {
        requireNonNull(name, "name");
        requireNonNull(address, "address");
        requireNonNull(admin, "admin");
    }
}
