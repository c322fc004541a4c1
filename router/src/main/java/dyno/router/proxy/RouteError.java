package dyno.router.proxy;

/** Why a request was not served normally: Heroku's router error codes, their status and description. */
public enum RouteError {
    H10("H10", 503, "App crashed"),
    H11("H11", 503, "Backlog too deep"),
    H12("H12", 503, "Request timeout"),
    H13("H13", 503, "Connection closed without response"),
    H14("H14", 503, "No web processes running"),
    H15("H15", 503, "Idle connection"),
    H17("H17", 502, "Poorly formatted HTTP response"),
    H18("H18", 503, "Server Request Interrupted"),
    H19("H19", 503, "Backend connection timeout"),
    H20("H20", 503, "App boot timeout"),
    H21("H21", 503, "Backend connection refused"),
    H27("H27", 499, "Client Request Interrupted"),
    H28("H28", 499, "Client Connection Idle"),
    /** The router's own failure (out of file descriptors): no dyno is blamed. */
    H99("H99", 503, "Platform error"),
    BAD_REQUEST(null, 400, "Bad request"),
    HEAD_TOO_LARGE(null, 431, "Request header fields too large"),
    EXPECTATION_FAILED(null, 417, "Expectation failed");

    private final String code;
    private final int status;
    private final String description;

    RouteError(String code, int status, String description) {
        this.code = code;
        this.status = status;
        this.description = description;
    }

    /** Heroku's code, e.g. {@code H12}; null for a malformed request. */
    public String code() {
        return code;
    }

    /** Status answered to the client (503, 502, 4xx), or logged when no answer is possible (499). */
    public int status() {
        return status;
    }

    public String description() {
        return description;
    }

    /** True when the client side caused it and nobody is left to answer. */
    public boolean clientSide() {
        return status == 499;
    }
}
