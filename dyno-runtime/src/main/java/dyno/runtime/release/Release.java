package dyno.runtime.release;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One numbered release of an app: the config vars its dynos run with, why it was made, and whether
 * its release phase let it out ({@link Status}). Versions start at 1 and only grow.
 */
public record Release(int version, String description, Status status, Instant createdAt, Map<String, String> config) {

    /** Heroku's release statuses. */
    public enum Status {
        /** Made, its release phase not finished yet. */
        PENDING,
        /** Deployed: its dynos run (or are being restarted onto) it. */
        SUCCEEDED,
        /** Its release phase failed: never deployed. */
        FAILED;

        /** The API's spelling: {@code succeeded}. */
        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** Parses {@link #id()}. */
        public static Status parse(String id) {
            return valueOf(id.toUpperCase(java.util.Locale.ROOT));
        }
    }

    public Release {
        if (version < 1) {
            throw new IllegalArgumentException("version: " + version + " (expected: 1 or more)");
        }
        requireNonNull(description, "description");
        requireNonNull(status, "status");
        requireNonNull(createdAt, "createdAt");
        config = Collections.unmodifiableMap(new TreeMap<>(config));
    }

    /** This release with {@code next} status. */
    public Release withStatus(Status next) {
        return new Release(version, description, next, createdAt, config);
    }
}
