package dyno.router.cli;

import static java.util.Objects.requireNonNull;

import dyno.router.select.Dyno;
import java.net.InetSocketAddress;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code --backend} value: {@code HOST:PORT} with an optional weight, written as nginx's
 * {@code server} parameter: {@code 127.0.0.1:5002,weight=3}; {@code [::1]:5002} for IPv6.
 */
record BackendOption(InetSocketAddress address, int weight) {
    private static final Pattern ADDRESS = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^:\\[\\],]+):(\\d{1,5})");
    private static final Pattern WEIGHT = Pattern.compile("weight=(.*)");

    BackendOption {
        requireNonNull(address, "address");
    }

    /** Parses {@code HOST:PORT[,weight=N]}; the error names {@code --backend}, the value and what was expected. */
    static BackendOption parse(String value) {
        String v = value == null ? "" : value.trim();
        int comma = v.indexOf(',');
        Matcher m = ADDRESS.matcher(comma < 0 ? v : v.substring(0, comma));
        if (!m.matches()) {
            throw malformed(value);
        }
        String host = m.group(1);
        if (host.startsWith("[")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("--backend: '" + value + "' (expected: a port in 1..65535)");
        }
        int weight = Dyno.DEFAULT_WEIGHT;
        if (comma >= 0) {
            Matcher w = WEIGHT.matcher(v.substring(comma + 1).trim());
            if (!w.matches()) {
                throw malformed(value);
            }
            String n = w.group(1).trim();
            weight = n.matches("\\d{1,3}") ? Integer.parseInt(n) : -1;
            if (weight < 0 || weight > Dyno.MAX_WEIGHT) {
                throw new IllegalArgumentException("--backend: '" + value + "' (expected: a weight from 0 to "
                        + Dyno.MAX_WEIGHT + ")");
            }
        }
        return new BackendOption(new InetSocketAddress(host, port), weight);
    }

    private static IllegalArgumentException malformed(String value) {
        return new IllegalArgumentException("--backend: '" + value
                + "' (expected: HOST:PORT[,weight=N], e.g. 127.0.0.1:5001 or 127.0.0.1:5001,weight=3)");
    }

    /** {@code 127.0.0.1:5001}, with {@code ,weight=N} unless the weight is the default. */
    @Override
    public String toString() {
        String hostPort = address.getHostString() + ":" + address.getPort();
        return weight == Dyno.DEFAULT_WEIGHT ? hostPort : hostPort + ",weight=" + weight;
    }
}
