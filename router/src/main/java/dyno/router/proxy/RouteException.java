package dyno.router.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ConnectTimeoutException;
import java.net.SocketTimeoutException;

/** A failure to route one request, typed by its {@link RouteError}. */
public final class RouteException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient RouteError kind;

    public RouteException(RouteError kind, String message, Throwable cause) {
        super(message, cause, false, false);
        this.kind = requireNonNull(kind, "kind");
    }

    public RouteError kind() {
        return kind;
    }

    /**
     * Connect failures: the router out of file descriptors is its own failure, H99, and blames no
     * dyno; a timeout is H19, anything else (refused, unreachable, reset) H21.
     */
    static RouteException connectFailed(Throwable cause) {
        if (outOfDescriptors(cause)) {
            return new RouteException(RouteError.H99, "router out of file descriptors", cause);
        }
        boolean timeout = cause instanceof ConnectTimeoutException || cause instanceof SocketTimeoutException;
        return new RouteException(timeout ? RouteError.H19 : RouteError.H21, String.valueOf(cause), cause);
    }

    /** EMFILE or ENFILE anywhere in the cause chain (Netty's native and NIO transports word it alike). */
    static boolean outOfDescriptors(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("Too many open files") || m.contains("EMFILE") || m.contains("ENFILE"))) {
                return true;
            }
        }
        return false;
    }
}
