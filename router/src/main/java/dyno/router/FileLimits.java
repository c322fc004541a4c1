package dyno.router;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The process's open-file limit against the connections the router is told to allow: each client
 * connection may hold a dyno connection too, and a router out of descriptors can serve no one.
 */
public final class FileLimits {
    /** Descriptors kept for everything else: listening sockets, logs, jars, the epoll or io_uring fds. */
    static final int RESERVE = 64;

    private FileLimits() {
    }

    /** The soft open-file limit of this process, or -1 where it cannot be read. */
    public static long openFileLimit() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            return unix.getMaxFileDescriptorCount();
        }
        return -1;
    }

    /** Connections that fit {@code limit} open files: two descriptors each, less the reserve. */
    public static int connectionsFor(long limit) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (limit - RESERVE) / 2));
    }

    /**
     * {@code requested} when it fits {@code limit}; else, when the user chose it, an error naming
     * the option and the limit; else (a default) the most that fits.
     */
    public static int checkMaxConnections(int requested, boolean chosen, long limit, String option) {
        if (limit < 0 || requested <= connectionsFor(limit)) {
            return requested;
        }
        if (chosen) {
            throw new IllegalArgumentException(option + ": " + requested + " needs about " + (2L * requested + RESERVE)
                    + " open files (a client and a dyno connection each), but the open-file limit is " + limit
                    + " (expected: at most " + connectionsFor(limit) + ", or raise the limit with ulimit -n)");
        }
        return connectionsFor(limit);
    }
}
