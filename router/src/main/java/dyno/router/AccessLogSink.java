package dyno.router;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one logfmt line per routed request. Called on an event loop thread: implementations
 * must be cheap and must not block (enqueue, do not write to disk inline).
 */
@FunctionalInterface
public interface AccessLogSink {

    /** Name of the SLF4J logger the default sink writes to. */
    String LOGGER_NAME = "dyno.router.access";

    /** Consumes one access line, e.g. {@code at=info method=GET path="/" ... status=200 bytes=12 protocol=http}. */
    void log(String logfmtLine);

    /** The default sink: INFO on the SLF4J logger {@value #LOGGER_NAME}. */
    static AccessLogSink slf4j() {
        return Slf4jSink.INSTANCE;
    }

    /** Default sink; the router skips formatting entirely when its logger is disabled. */
    final class Slf4jSink implements AccessLogSink {
        static final Slf4jSink INSTANCE = new Slf4jSink();
        private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

        private Slf4jSink() {
        }

        /** Whether a line would be written at all. */
        public boolean enabled() {
            return logger.isInfoEnabled();
        }

        @Override
        public void log(String logfmtLine) {
            logger.info(logfmtLine);
        }
    }
}
