package dyno.platform.autoscale;

/**
 * What the autoscaler decided at one evaluation: scale from one quantity to another (equal: no
 * change) and why, in words for the {@code dyno[autoscale]} log line.
 *
 * @param notable whether it is worth a log line: it scales, or it first found the range's upper limit
 *                too low
 */
public record AutoscaleDecision(int from, int to, String reason, boolean notable) {
    /** A decision that changes nothing and is not logged. */
    static AutoscaleDecision none(int current, String reason) {
        return new AutoscaleDecision(current, current, reason, false);
    }

    /** A decision that scales (or is logged). */
    static AutoscaleDecision of(int from, int to, String reason) {
        return new AutoscaleDecision(from, to, reason, true);
    }

    /** Whether the formation changes. */
    public boolean scales() {
        return from != to;
    }

    /** {@code at=info from=1 to=2 reason="..."}: the log line's message. */
    public String logfmt() {
        return "at=info type=web from=" + from + " to=" + to + " reason=\"" + reason.replace("\"", "'") + "\"";
    }
}
