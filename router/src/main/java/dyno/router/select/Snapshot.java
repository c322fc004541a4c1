package dyno.router.select;

/** Immutable view of the dynos that may take traffic, rebuilt on every membership change. */
public final class Snapshot {
    static final Snapshot EMPTY = new Snapshot(new Dyno[0], 0);

    private final Dyno[] eligible;
    private final int registered;

    Snapshot(Dyno[] eligible, int registered) {
        this.eligible = eligible;
        this.registered = registered;
    }

    /** Dynos eligible for traffic. */
    public int size() {
        return eligible.length;
    }

    public boolean isEmpty() {
        return eligible.length == 0;
    }

    /** The i-th eligible dyno, 0 <= i < size(). */
    public Dyno get(int i) {
        return eligible[i];
    }

    /** Registered dynos (not draining), eligible or not: 0 means H14, otherwise an empty snapshot means H10. */
    public int registered() {
        return registered;
    }
}
