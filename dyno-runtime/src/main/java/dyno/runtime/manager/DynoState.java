package dyno.runtime.manager;

import java.util.Locale;

/** Lifecycle states of a dyno, as {@code ps} shows them. */
public enum DynoState {
    STARTING, UP, CRASHED, IDLE, DOWN;

    /** Lower-case name: {@code up}. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
