package dyno.platform.daemon;

/** The daemon cannot start: the message says why and what to do. */
public final class DaemonException extends RuntimeException {
    public DaemonException(String message) {
        super(message);
    }
}
