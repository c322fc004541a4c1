package dyno.router;

import static java.util.Objects.requireNonNull;

/**
 * The router cannot listen on its address: the port is taken, needs privileges, or the host is not
 * an address of this machine. The message says which, in one line:
 * {@code cannot listen on 127.0.0.1:5006: the address is already in use}.
 */
public final class ListenException extends IllegalStateException {
    /** Why the bind failed, as far as the socket said. */
    public enum Reason {
        /** Another socket holds the port. */
        IN_USE("the address is already in use"),
        /** A privileged port, or a policy forbids it. */
        NOT_PERMITTED("permission denied"),
        /** The host is not an address of this machine, or not a known name. */
        NO_SUCH_ADDRESS("the host is not an address of this machine"),
        /** Anything else; the message carries the socket's own words. */
        OTHER("");

        private final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    private final String host;
    private final int port;
    private final Reason reason;

    ListenException(String host, int port, Throwable cause) {
        this(host, port, reasonOf(cause), cause);
    }

    private ListenException(String host, int port, Reason reason, Throwable cause) {
        super("cannot listen on " + requireNonNull(host, "host") + ":" + port + ": "
                + (reason == Reason.OTHER ? String.valueOf(cause.getMessage()) : reason.text), cause);
        this.host = host;
        this.port = port;
        this.reason = reason;
    }

    /** The address asked for. */
    public String host() {
        return host;
    }

    /** The port asked for (0: any free one). */
    public int port() {
        return port;
    }

    public Reason reason() {
        return reason;
    }

    /**
     * The message and the flag that would fix it, for a command line:
     * {@code cannot listen on 127.0.0.1:5006: the address is already in use (choose another with --port)}.
     */
    public String messageWithHint(String portFlag, String hostFlag) {
        String flag = reason == Reason.NO_SUCH_ADDRESS ? hostFlag : portFlag;
        return flag == null ? getMessage() : getMessage() + " (choose another with " + flag + ")";
    }

    private static Reason reasonOf(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof java.nio.channels.UnresolvedAddressException) {
                return Reason.NO_SUCH_ADDRESS;
            }
            String m = t.getMessage();
            if (m == null) {
                continue;
            }
            // the JDK's BindException and Netty's native errors carry the strerror text
            if (m.contains("Address already in use")) {
                return Reason.IN_USE;
            }
            if (m.contains("Permission denied")) {
                return Reason.NOT_PERMITTED;
            }
            if (m.contains("Cannot assign requested address")) {
                return Reason.NO_SUCH_ADDRESS;
            }
        }
        return Reason.OTHER;
    }
}
