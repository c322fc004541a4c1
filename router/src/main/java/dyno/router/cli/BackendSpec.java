package dyno.router.cli;

import static java.util.Objects.requireNonNull;

import dyno.router.select.Dyno;
import java.net.InetSocketAddress;

/**
 * A backend as configured: an optional name (null: the router picks {@code web.N}), its address
 * and its weight, 0..256.
 */
public record BackendSpec(String name, InetSocketAddress address, int weight) {
    public BackendSpec {
        requireNonNull(address, "address");
        if (weight < 0 || weight > Dyno.MAX_WEIGHT) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: 0.." + Dyno.MAX_WEIGHT + ")");
        }
    }

    /** {@code 127.0.0.1:5001}: the address as written on the command line. */
    public String hostPort() {
        return hostPort(address);
    }

    /** {@code 127.0.0.1:5001}, or {@code [::1]:5001} for IPv6. */
    public static String hostPort(InetSocketAddress address) {
        String host = address.getHostString();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    /** Parses {@code HOST:PORT[,weight=N]} as {@code --backend} takes it; the error names {@code --backend}. */
    public static BackendSpec parse(String name, String value) {
        BackendOption b = BackendOption.parse(value);
        return new BackendSpec(name, b.address(), b.weight());
    }
}
