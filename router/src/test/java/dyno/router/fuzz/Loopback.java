package dyno.router.fuzz;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.SilentCloseable;

/** Lets a fuzz iteration open connections on the loopback interface, and nowhere else. */
final class Loopback {
    private Loopback() {
    }

    static SilentCloseable allow() {
        return BugDetectors.allowNetworkConnections(
                (host, port) -> host.equals("127.0.0.1") || host.equals("localhost"));
    }
}
