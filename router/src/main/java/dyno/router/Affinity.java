package dyno.router;

import java.util.Locale;

/** Session affinity ({@code --affinity}), Heroku's {@code http-session-affinity}. */
public enum Affinity {
    /** Every request is balanced on its own (the default). */
    NONE,
    /**
     * A router cookie names the dyno that served a client; its later requests go to that dyno while
     * it takes traffic, else they are balanced and the cookie names the new dyno.
     */
    COOKIE;

    /** Parses {@code none} or {@code cookie}. */
    public static Affinity parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "none" -> NONE;
            case "cookie" -> COOKIE;
            default -> throw new IllegalArgumentException("affinity: '" + value + "' (expected: none or cookie)");
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
