package dyno.router.desync;

import static java.util.Objects.requireNonNull;

/**
 * One corpus case. A request case sends {@code send} raw; a response case sends {@code send} (with
 * {@code {target}} naming the case) and the backend answers with {@code reply}, then {@code later}
 * after {@code laterMillis}, then closes when {@code closeAfter}.
 */
record DesyncCase(
        String id,
        Direction direction,
        String description,
        String source,
        byte[] send,
        int requests,
        byte[] reply,
        byte[] later,
        int laterMillis,
        boolean closeAfter) {

    /** Who sends the hostile bytes. */
    enum Direction {
        /** The client. */
        REQUEST,
        /** The backend. */
        RESPONSE
    }

    DesyncCase {
        requireNonNull(id, "id");
        requireNonNull(direction, "direction");
        requireNonNull(description, "description");
        requireNonNull(source, "source");
        requireNonNull(send, "send");
        if (!id.matches("[a-z0-9][a-z0-9.-]*")) {
            throw new IllegalArgumentException("id: '" + id + "' (expected: lower case, digits, '.', '-')");
        }
        if (requests < 1 || requests > 4) {
            throw new IllegalArgumentException(id + ": requests: " + requests + " (expected: 1..4)");
        }
        if (direction == Direction.RESPONSE && reply == null) {
            throw new IllegalArgumentException(id + ": reply: missing (expected for a response case)");
        }
        if (laterMillis < 0 || laterMillis > 1000) {
            throw new IllegalArgumentException(id + ": later delay: " + laterMillis + " (expected: 0..1000)");
        }
    }

    @Override
    public String toString() {
        return id;
    }
}
