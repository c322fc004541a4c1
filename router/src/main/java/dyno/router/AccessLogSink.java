package dyno.router;

import static java.util.Objects.requireNonNull;

import dyno.router.log.AccessLogFormat;
import dyno.router.log.AccessRecord;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives one {@link AccessRecord} per routed request. Called on an event loop thread:
 * implementations must be cheap and must not block (enqueue, do not format or write inline);
 * {@link dyno.router.log.AccessLogWriter} is the one that does that. When {@link #enabled()} is
 * false the router makes no record at all.
 */
@FunctionalInterface
public interface AccessLogSink {

    /** Name of the SLF4J logger the default sink writes to. */
    String LOGGER_NAME = "dyno.router.access";

    /** No access log: the router makes no record and formats nothing. */
    AccessLogSink OFF = new AccessLogSink() {
        @Override
        public void log(AccessRecord record) {
        }

        @Override
        public boolean enabled() {
            return false;
        }
    };

    /** Consumes one record. */
    void log(AccessRecord record);

    /** Whether records are wanted at all; asked before each one is made. */
    default boolean enabled() {
        return true;
    }

    /** The default sink: heroku lines at INFO on the SLF4J logger {@value #LOGGER_NAME}. */
    static AccessLogSink slf4j() {
        return Slf4jSink.INSTANCE;
    }

    /**
     * A sink that formats each record on the calling event loop and hands the line (no line break) to
     * {@code lines}, which must only enqueue: e.g. {@code dyno up}'s app log, or a test's list.
     */
    static AccessLogSink lines(AccessLogFormat format, Consumer<String> lines) {
        requireNonNull(format, "format");
        requireNonNull(lines, "lines");
        return record -> lines.accept(format.format(record));
    }

    /** {@link #lines(AccessLogFormat, Consumer)} in Heroku's format. */
    static AccessLogSink lines(Consumer<String> lines) {
        return lines(AccessLogFormat.HEROKU, lines);
    }

    /** Default sink; the router makes no record when its logger is disabled. */
    final class Slf4jSink implements AccessLogSink {
        static final Slf4jSink INSTANCE = new Slf4jSink();
        private static final Logger logger = LoggerFactory.getLogger(LOGGER_NAME);

        private Slf4jSink() {
        }

        @Override
        public boolean enabled() {
            return logger.isInfoEnabled();
        }

        @Override
        public void log(AccessRecord record) {
            logger.info(AccessLogFormat.HEROKU.format(record));
        }
    }
}
