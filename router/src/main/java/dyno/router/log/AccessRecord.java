package dyno.router.log;

import static java.util.Objects.requireNonNull;

/**
 * The fields of one access line, handed by the router to its {@link dyno.router.AccessLogSink} on an
 * event loop; an {@link AccessLogFormat} turns it into text. Strings are the ones the exchange already
 * holds (nothing is copied or formatted to make a record).
 *
 * @param epochMillis when the exchange ended (the line was logged)
 * @param code Heroku's error code ({@code H12}), null for a served request or a malformed one
 * @param desc the error's description ({@code Request timeout: ...}), null for a served request
 * @param dyno the dyno's name, null when no dyno was chosen
 * @param connectMs connect time, below 0 when no dyno was reached
 * @param serviceMs time from sending the request to the dyno to the end of the response, below 0 when none
 * @param bytes response body bytes, below 0 when no dyno was reached
 * @param httpVersion the client's version, {@code HTTP/1.1} or {@code HTTP/1.0}
 * @param retries times the request was sent again on a fresh connection (see docs/router.md, Retries)
 * @param protocol {@code http}, or {@code https} for a client that came through TLS (Heroku's {@code protocol})
 */
public record AccessRecord(long epochMillis, String code, String desc, String method, String path, String host,
                           String requestId, String fwd, String dyno, long connectMs, long serviceMs, int status,
                           long bytes, String httpVersion, int retries, String protocol) {
    /** A record of a plain HTTP request. */
    public AccessRecord(long epochMillis, String code, String desc, String method, String path, String host,
                        String requestId, String fwd, String dyno, long connectMs, long serviceMs, int status,
                        long bytes, String httpVersion, int retries) {
        this(epochMillis, code, desc, method, path, host, requestId, fwd, dyno, connectMs, serviceMs, status, bytes,
                httpVersion, retries, "http");
    }

    public AccessRecord {
        requireNonNull(protocol, "protocol");
        requireNonNull(method, "method");
        requireNonNull(path, "path");
        requireNonNull(host, "host");
        requireNonNull(requestId, "requestId");
        requireNonNull(fwd, "fwd");
        requireNonNull(httpVersion, "httpVersion");
        if (code != null && desc == null) {
            throw new IllegalArgumentException("desc: null (expected: a description with code " + code + ")");
        }
    }

    /** Heroku's {@code at}: {@code error} when the request was not served normally, else {@code info}. */
    public String at() {
        return desc == null ? "info" : "error";
    }

    /** Whether this records an error ({@code at=error}). */
    public boolean error() {
        return desc != null;
    }
}
