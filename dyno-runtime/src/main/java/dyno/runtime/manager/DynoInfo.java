package dyno.runtime.manager;

import dyno.runtime.formation.DynoSize;
import java.time.Instant;

/**
 * A snapshot of one dyno, the shape the control API returns. {@code port} and {@code pid} are 0 when
 * not running; {@code release} is the release its process was started with (0: none known);
 * {@code oneOff} marks a one-off dyno ({@code run.N}, {@code release.N}), outside the formation.
 */
public record DynoInfo(String name, String type, DynoState state, DynoSize size, String command,
                       int port, long pid, Instant createdAt, Instant updatedAt, int release, boolean oneOff) {

    /** Whether this dyno receives HTTP traffic. */
    public boolean isWeb() {
        return "web".equals(type) && !oneOff;
    }
}
