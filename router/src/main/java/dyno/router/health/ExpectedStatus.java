package dyno.router.health;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * The response statuses a health check accepts, as HAProxy's {@code http-check expect status}
 * ranges: {@code ExpectedStatus.parse("200-399")}, {@code ExpectedStatus.parse("200,204,300-302")}.
 */
public final class ExpectedStatus {
    /** Lowest status code a range may name. */
    public static final int MIN = 100;
    /** Highest status code a range may name. */
    public static final int MAX = 599;
    /** Any status below 500: the router's default, as before these settings existed. */
    public static final ExpectedStatus BELOW_500 = parse("100-499");

    private final int[] ranges; // pairs of inclusive bounds, in the order given
    private final String text;

    private ExpectedStatus(int[] ranges, String text) {
        this.ranges = ranges;
        this.text = text;
    }

    /**
     * Parses comma-separated codes and {@code LOW-HIGH} ranges within {@value #MIN}..{@value #MAX}.
     *
     * @throws IllegalArgumentException naming the value and what is expected
     */
    public static ExpectedStatus parse(String value) {
        requireNonNull(value, "value");
        List<int[]> parsed = new ArrayList<>();
        for (String part : value.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-');
            int low = code(dash < 0 ? p : p.substring(0, dash));
            int high = dash < 0 ? low : code(p.substring(dash + 1));
            if (low < 0 || high < 0 || low > high) {
                throw new IllegalArgumentException("'" + value + "' (expected: status codes or ranges from " + MIN
                        + " to " + MAX + ", such as 200-399 or 200,204,300-302)");
            }
            parsed.add(new int[] {low, high});
        }
        int[] flat = new int[parsed.size() * 2];
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < parsed.size(); i++) {
            int[] r = parsed.get(i);
            flat[2 * i] = r[0];
            flat[2 * i + 1] = r[1];
            text.append(i == 0 ? "" : ",").append(r[0]);
            if (r[1] != r[0]) {
                text.append('-').append(r[1]);
            }
        }
        return new ExpectedStatus(flat, text.toString());
    }

    private static int code(String s) {
        String t = s.strip();
        if (!t.matches("\\d{3}")) {
            return -1;
        }
        int c = Integer.parseInt(t);
        return c < MIN || c > MAX ? -1 : c;
    }

    /** True when {@code status} is one of the expected codes. */
    public boolean matches(int status) {
        for (int i = 0; i < ranges.length; i += 2) {
            if (status >= ranges[i] && status <= ranges[i + 1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExpectedStatus other && other.text.equals(text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    /** The canonical form, e.g. {@code 200-399} or {@code 200,204,300-302}. */
    @Override
    public String toString() {
        return text;
    }
}
