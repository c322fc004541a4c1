package dyno.runtime.release;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Rules for config vars, shared by every way of changing them (API, CLI, {@code .env}): names as
 * Heroku allows them, values that an environment can carry, and a change as a map where a null
 * value unsets.
 */
public final class ConfigVars {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** Longest name, in characters. */
    public static final int MAX_NAME = 256;
    /** Longest value, in UTF-8 bytes (Heroku's 32 KiB for a var). */
    public static final int MAX_VALUE_BYTES = 32 * 1024;
    /** Most config vars an app may have. */
    public static final int MAX_VARS = 1000;
    /** Names Dyno sets itself on every dyno: setting them would be overwritten. */
    private static final java.util.Set<String> RESERVED = java.util.Set.of("PORT", "DYNO", "PS");

    private ConfigVars() {
    }

    /** Throws naming the problem when {@code name} cannot be a config var. */
    public static void checkName(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_NAME || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("config var name \"" + name + "\": expected letters, digits and"
                    + " underscores, not starting with a digit ([A-Za-z_][A-Za-z0-9_]*, at most " + MAX_NAME + ")");
        }
        if (RESERVED.contains(name)) {
            throw new IllegalArgumentException("config var " + name + ": set by Dyno on every dyno"
                    + " (PORT, DYNO and PS cannot be config vars)");
        }
    }

    /** Whether Dyno sets {@code name} itself on every dyno ({@code PORT}, {@code DYNO}, {@code PS}). */
    public static boolean reserved(String name) {
        return RESERVED.contains(name);
    }

    /** {@code env} without the vars Dyno sets itself (a foreman {@code .env} often has PORT), in name order. */
    public static Map<String, String> withoutReserved(Map<String, String> env) {
        Map<String, String> out = new TreeMap<>(env);
        out.keySet().removeIf(ConfigVars::reserved);
        return out;
    }

    /** Throws naming the problem when {@code value} cannot be the value of {@code name}. */
    public static void checkValue(String name, String value) {
        if (value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("config var " + name + ": the value contains a NUL byte,"
                    + " which no environment can carry");
        }
        if (value.getBytes(StandardCharsets.UTF_8).length > MAX_VALUE_BYTES) {
            throw new IllegalArgumentException("config var " + name + ": value longer than " + MAX_VALUE_BYTES + " bytes");
        }
    }

    /**
     * {@code current} with {@code changes} applied (a null value unsets); validates every change
     * first, so a bad one changes nothing.
     */
    public static Map<String, String> apply(Map<String, String> current, Map<String, String> changes) {
        Map<String, String> next = new TreeMap<>(current);
        for (Map.Entry<String, String> e : changes.entrySet()) {
            checkName(e.getKey());
            if (e.getValue() == null) {
                next.remove(e.getKey());
            } else {
                checkValue(e.getKey(), e.getValue());
                next.put(e.getKey(), e.getValue());
            }
        }
        if (next.size() > MAX_VARS) {
            throw new IllegalArgumentException("config vars: " + next.size() + " (expected: at most " + MAX_VARS + ")");
        }
        return next;
    }
}
