package dyno.kubernetes;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * A web pod's address as an EndpointSlice lists it: {@code ready} when it should get new requests,
 * {@code terminating} when it is on its way out (finish what it has, send it nothing new).
 *
 * @param dyno the pod's name, which is the dyno's name
 */
public record PodEndpoint(String dyno, InetSocketAddress address, boolean ready, boolean terminating) {
    public PodEndpoint {
        requireNonNull(dyno, "dyno");
        requireNonNull(address, "address");
    }
}
