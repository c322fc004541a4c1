package dyno.router;

/**
 * Told about every finished request, for metrics. Called on an event loop thread as each exchange
 * ends: implementations must be cheap, should not allocate, and must never block.
 */
@FunctionalInterface
public interface RequestObserver {

    /** An observer that ignores everything. */
    RequestObserver NONE = (dyno, status, code, connectNanos, serviceNanos) -> {
    };

    /**
     * One finished request.
     *
     * @param dyno         the dyno that served it, null when none was reached
     * @param status       the status the client got (or 499 when the client left first)
     * @param code         Heroku's error code ({@code "H12"}), null when the router added no error
     * @param connectNanos time to connect to the dyno, 0 for a pooled connection, -1 when none was reached
     * @param serviceNanos from sending the request to the dyno to the end of its response, -1 when none was reached
     */
    void requestCompleted(String dyno, int status, String code, long connectNanos, long serviceNanos);
}
