package dyno.router;

/**
 * A backend's administrative state, set by an operator, as HAProxy's {@code set server state}.
 * Independent of health checks and of the weight: a backend takes new requests only when it is
 * {@link #READY}, healthy and of a weight above 0.
 */
public enum AdminState {
    /** Takes new requests at its weight. */
    READY,
    /** Takes no new request; those in flight finish. Set by {@link DynoRegistry#drain}. */
    DRAIN,
    /** Maintenance: takes no new request, as {@link #DRAIN}. Set by {@link DynoRegistry#markDown}. */
    MAINT
}
