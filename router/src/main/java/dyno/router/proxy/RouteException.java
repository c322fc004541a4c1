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

    /** Connect failures: a timeout is H19, anything else (refused, unreachable, reset) H21. */
    static RouteException connectFailed(Throwable cause) {
        boolean timeout = cause instanceof ConnectTimeoutException || cause instanceof SocketTimeoutException;
        return new RouteException(timeout ? RouteError.H19 : RouteError.H21, String.valueOf(cause), cause);
    }
}
