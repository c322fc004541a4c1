package dyno.router.select;

/**
 * Compares dynos by requests in flight per unit of weight, as HAProxy's weighted leastconn does: an
 * idle dyno scores 0, a busy one (inFlight + 1) / weight. With equal weights this orders dynos by
 * in-flight count alone.
 */
final class WeightedLoad {
    private WeightedLoad() {
    }

    /** True when a dyno with {@code inFlightA} requests and weight {@code weightA} is strictly less loaded than B. */
    static boolean lighter(int inFlightA, int weightA, int inFlightB, int weightB) {
        if (inFlightA == 0 || inFlightB == 0) {
            return inFlightA == 0 && inFlightB != 0;
        }
        // (a + 1) / wa < (b + 1) / wb without division; longs cannot overflow here
        return (inFlightA + 1L) * weightB < (inFlightB + 1L) * weightA;
    }
}
