package dyno.router;

import dyno.router.select.LeastConnStrategy;
import dyno.router.select.PowerOfTwoStrategy;
import dyno.router.select.RandomStrategy;
import dyno.router.select.RoundRobinStrategy;
import dyno.router.select.SelectionStrategy;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the router picks a dyno for each request ({@code --balance}). */
public enum Balance {
    /** Each dyno in turn (the default); smooth weighted round robin with weights, as nginx. */
    ROUND_ROBIN("round-robin"),
    /** A random dyno, as Heroku's router does; in proportion to the weights. */
    RANDOM("random"),
    /** The dyno with the fewest requests in flight for its weight. */
    LEAST_CONN("least-conn"),
    /** The better of two random dynos (drawn by weight) by requests in flight for their weight. */
    P2C("p2c");

    private final String id;

    Balance(String id) {
        this.id = id;
    }

    /** The name used on the command line. */
    public String id() {
        return id;
    }

    /** A new strategy instance (strategies may keep a cursor). */
    public SelectionStrategy newStrategy() {
        return switch (this) {
            case ROUND_ROBIN -> new RoundRobinStrategy();
            case RANDOM -> new RandomStrategy();
            case LEAST_CONN -> new LeastConnStrategy();
            case P2C -> new PowerOfTwoStrategy();
        };
    }

    /** Parses {@code round-robin}, {@code random}, {@code least-conn} or {@code p2c}, case-insensitively. */
    public static Balance parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (Balance b : values()) {
            if (b.id.equals(n)) {
                return b;
            }
        }
        throw new IllegalArgumentException("balance: \"" + name + "\" (expected one of: "
                + Arrays.stream(values()).map(Balance::id).collect(Collectors.joining(", ")) + ")");
    }
}
