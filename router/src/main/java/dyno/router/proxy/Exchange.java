package dyno.router.proxy;

import dyno.router.AccessLogSink;
import dyno.router.RequestObserver;
import dyno.router.log.AccessRecord;
import dyno.router.select.Dyno;
import io.netty.handler.codec.http.HttpRequest;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The state of the one exchange under way on a client connection, and its end: the access line and
 * the observer call. Owned by the connection's event loop; {@link #clear()} readies it for the next
 * request, so a connection allocates no exchange object per request.
 */
final class Exchange {
    private static final Logger logger = LoggerFactory.getLogger(Exchange.class);

    HttpRequest request;
    String method;
    String path;
    String host;
    String requestId;
    String fwd;
    boolean clientHttp10;
    /** The client came through TLS. */
    boolean secure;
    /** The request came on an HTTP/2 stream. */
    boolean http2;
    boolean clientKeepAlive;
    boolean headRequest;
    boolean upgradeRequested;
    long startNanos;
    /** The whole request, up to its last content, was read from the client. */
    boolean receivedAll;
    /** Body bytes written to a dyno so far. */
    long bodyBytesSent;
    long requestSentNanos;
    int attempts;
    /** Requests sent again on a fresh connection after a reused one closed unanswered. */
    int retries;
    RouteException lastConnectFailure;
    boolean held;
    /** Waiting in the table's queue for room at a dyno (--queue-timeout). */
    boolean queued;
    Dyno dyno;
    /** The dyno connection came from the pool (it may have been closed by the dyno meanwhile). */
    boolean reusedConnection;
    long connectStartNanos;
    long connectMs = -1;
    long connectNanos = -1;
    long dispatchNanos;
    long lastBackendActivity;
    boolean informational;
    boolean upgrading;
    boolean responseStarted;
    int status;
    long bytes;
    /** The dyno's response allows another request on its connection. */
    boolean backendReusable;
    boolean closeAfterResponse;
    /** The dyno the request's affinity cookie names (affinity on), or null. */
    String affinityDyno;
    boolean affinityTried;

    void clear() {
        request = null;
        method = null;
        path = null;
        host = null;
        requestId = null;
        fwd = null;
        clientHttp10 = false;
        secure = false;
        http2 = false;
        clientKeepAlive = false;
        headRequest = false;
        upgradeRequested = false;
        startNanos = 0;
        receivedAll = false;
        bodyBytesSent = 0;
        requestSentNanos = 0;
        attempts = 0;
        retries = 0;
        lastConnectFailure = null;
        held = false;
        queued = false;
        dyno = null;
        reusedConnection = false;
        connectStartNanos = 0;
        connectMs = -1;
        connectNanos = -1;
        dispatchNanos = 0;
        lastBackendActivity = 0;
        informational = false;
        upgrading = false;
        responseStarted = false;
        status = 0;
        bytes = 0;
        backendReusable = false;
        closeAfterResponse = false;
        affinityDyno = null;
        affinityTried = false;
    }

    /** Nothing was answered to the client yet: an error page can still be sent. */
    boolean canAnswer() {
        return !responseStarted && !informational && !upgrading;
    }

    /** Tells the observer and writes the access line, for a served request or an error. */
    void log(ProxyContext px, RouteError error, String detail) {
        AccessLogSink accessLog = px.accessLog(); // the sink of the moment, not of the exchange's start
        boolean observed = px.observer != RequestObserver.NONE && (method != null || (error != null && error.code() == null));
        boolean logged = method != null && accessLog.enabled();
        if (!observed && !logged) {
            return; // neither wanted: not even the clock is read
        }
        long now = System.nanoTime();
        String dynoName = dyno != null ? dyno.name() : null;
        boolean reachedDyno = dispatchNanos != 0;
        int answered = error == null ? status : error.status();
        if (observed) {
            try {
                px.observer.requestCompleted(dynoName, answered, error == null ? null : error.code(),
                        reachedDyno ? connectNanos : -1, reachedDyno ? now - dispatchNanos : -1);
            } catch (RuntimeException e) {
                logger.warn("Request observer failed", e);
            }
        }
        if (!logged) {
            return;
        }
        long service = reachedDyno ? TimeUnit.NANOSECONDS.toMillis(now - dispatchNanos) : -1;
        long loggedBytes = error == null || responseStarted ? bytes : (reachedDyno ? 0 : -1);
        // the fields only, no text: the sink formats off the event loop (AccessLogWriter's thread)
        AccessRecord record = new AccessRecord(System.currentTimeMillis(), error == null ? null : error.code(),
                error == null ? null : detail == null ? error.description() : error.description() + ": " + detail,
                method, path, host, requestId, fwd, dynoName, reachedDyno ? connectMs : -1, service, answered,
                loggedBytes, http2 ? "HTTP/2.0" : clientHttp10 ? "HTTP/1.0" : "HTTP/1.1", retries,
                http2 ? "http/2" : secure ? "https" : "http");
        try {
            accessLog.log(record);
        } catch (RuntimeException e) {
            logger.warn("Access log sink failed", e);
        }
    }
}
