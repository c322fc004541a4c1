package dyno.router.testing;

import java.io.Closeable;
import java.io.IOException;

/** Closing test servers' sockets, where a failure to close changes nothing. */
public final class Sockets {
    private Sockets() {
    }

    /** Closes each, ignoring failures. */
    public static void closeQuietly(Iterable<? extends Closeable> all) {
        for (Closeable c : all) {
            closeQuietly(c);
        }
    }

    /** Closes it, ignoring a failure. */
    public static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
