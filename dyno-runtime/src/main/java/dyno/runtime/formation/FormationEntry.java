package dyno.runtime.formation;

import static java.util.Objects.requireNonNull;

/** The quantity and size of one process type. */
public record FormationEntry(String type, int quantity, DynoSize size) {
    /** Most dynos an app may run in all. */
    public static final int MAX_DYNOS = 100;

    public FormationEntry {
        requireNonNull(type, "type");
        requireNonNull(size, "size");
        if (quantity < 0 || quantity > MAX_DYNOS) {
            throw new IllegalArgumentException("quantity: " + quantity + " (expected: 0.." + MAX_DYNOS + ")");
        }
    }

    /** {@code web=3:Standard-1X}. */
    @Override
    public String toString() {
        return type + "=" + quantity + ":" + size.displayName();
    }
}
