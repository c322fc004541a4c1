package dyno.runtime.manager;

import dyno.runtime.formation.DynoSize;
import java.time.Instant;

/** A snapshot of one dyno, the shape the control API returns. {@code port} and {@code pid} are 0 when not running. */
public record DynoInfo(String name, String type, DynoState state, DynoSize size, String command,
                       int port, long pid, Instant createdAt, Instant updatedAt) {

    /** Whether this dyno receives HTTP traffic. */
    public boolean isWeb() {
        return "web".equals(type);
    }
}
