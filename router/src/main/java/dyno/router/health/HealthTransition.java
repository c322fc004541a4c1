package dyno.router.health;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;

/**
 * A dyno leaving or rejoining rotation on its health checks, as HAProxy reports a server going
 * DOWN or UP: the dyno, the last check's reason, the consecutive checks that decided it (out of
 * {@code fall} or {@code rise}) and how many registered dynos are in rotation afterwards.
 */
public record HealthTransition(String dyno, InetSocketAddress address, boolean healthy, String reason,
                               int checks, int threshold, int inRotation, int registered) {
    public HealthTransition {
        requireNonNull(dyno, "dyno");
        requireNonNull(address, "address");
        requireNonNull(reason, "reason");
    }

    /** {@code host:port} of the dyno. */
    public String backend() {
        String h = address.getHostString();
        return (h.indexOf(':') >= 0 ? "[" + h + "]" : h) + ":" + address.getPort();
    }

    /**
     * One logfmt line in the style of the router's access lines, e.g.
     * {@code at=info desc="Backend down" dyno=web.1 backend=127.0.0.1:5001 reason="status 503" checks=3/3 in_rotation=1/2}.
     */
    public String logfmt() {
        return "at=info desc=\"Backend " + (healthy ? "up" : "down") + "\" dyno=" + dyno + " backend=" + backend()
                + " reason=\"" + reason.replace("\\", "\\\\").replace("\"", "\\\"") + "\" checks=" + checks + "/"
                + threshold + " in_rotation=" + inRotation + "/" + registered;
    }

    /** A sentence for humans, e.g. {@code web.1 (127.0.0.1:5001) is DOWN after 3/3 failed checks, last: status 503; 1 of 2 in rotation}. */
    @Override
    public String toString() {
        return dyno + " (" + backend() + ") is " + (healthy ? "UP after " : "DOWN after ") + checks + "/" + threshold
                + (healthy ? " passed" : " failed") + " checks, last: " + reason + "; " + inRotation + " of "
                + registered + " in rotation";
    }
}
