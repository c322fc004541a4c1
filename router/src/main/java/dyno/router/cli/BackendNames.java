package dyno.router.cli;

import java.util.Collection;
import java.util.regex.Pattern;

/** Backend names: what a name may be, and the next free {@code web.N}. */
public final class BackendNames {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");

    private BackendNames() {
    }

    /**
     * Returns {@code name} when it is 1 to 63 letters, digits, {@code _ . -}, starting with a letter or digit.
     *
     * @throws IllegalArgumentException naming the value and what a name may be
     */
    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("name: '" + name + "' (expected: 1 to 63 letters, digits, '_', '.' or"
                    + " '-', starting with a letter or digit, e.g. web.3)");
        }
        return name;
    }

    /** The first {@code web.N}, N from 1, that is not in {@code taken}. */
    public static String next(Collection<String> taken) {
        for (int n = 1; ; n++) {
            String name = "web." + n;
            if (!taken.contains(name)) {
                return name;
            }
        }
    }
}
