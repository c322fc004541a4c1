package dyno.runtime.manager;

/** A dyno's CPU time ({@code cpuNanos}) read at {@code atNanos} ({@link System#nanoTime}). */
record CpuSample(long cpuNanos, long atNanos) {
    /** Cores used from {@code earlier} to this sample; -1 when no time passed. */
    double coresSince(CpuSample earlier) {
        long wall = atNanos - earlier.atNanos;
        return wall <= 0 ? -1 : Math.max(0, (double) (cpuNanos - earlier.cpuNanos) / wall);
    }
}
