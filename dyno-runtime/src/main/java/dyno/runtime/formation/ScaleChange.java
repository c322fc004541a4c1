package dyno.runtime.formation;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One {@code ps:scale} argument: {@code web=3}, {@code worker+1}, {@code web-1},
 * {@code web=2:standard-2x} or {@code web:2x}. Applied to a formation with {@link #applyAll}.
 */
public record ScaleChange(String argument, String type, Op op, Integer quantity, DynoSize size) {
    private static final Pattern FORM = Pattern.compile(
            "([A-Za-z0-9_-]+?)(?:(=)([^:]*)|([+-])(\\d+))?(?::(.*))?");

    /** How the quantity applies. */
    public enum Op { SET, ADD, SUBTRACT, NONE }

    public ScaleChange {
        requireNonNull(argument, "argument");
        requireNonNull(type, "type");
        requireNonNull(op, "op");
    }

    /** Parses one argument; the error names it. */
    public static ScaleChange parse(String argument) {
        Matcher m = FORM.matcher(argument.strip());
        if (!m.matches() || (m.group(2) == null && m.group(4) == null && m.group(6) == null)) {
            throw new IllegalArgumentException(argument + ": expected TYPE=N, TYPE+N, TYPE-N or TYPE=N:SIZE");
        }
        String type = m.group(1);
        Op op = Op.NONE;
        Integer quantity = null;
        if (m.group(2) != null) {
            op = Op.SET;
            String q = m.group(3).strip();
            if (q.matches("-\\d+")) {
                throw new IllegalArgumentException(argument + ": quantity " + q + " is negative (expected: 0.."
                        + FormationEntry.MAX_DYNOS + ")");
            }
            if (!q.matches("\\d{1,9}")) {
                throw new IllegalArgumentException(argument + ": quantity \"" + q + "\" is not a number (expected: 0.."
                        + FormationEntry.MAX_DYNOS + ")");
            }
            quantity = Integer.parseInt(q);
        } else if (m.group(4) != null) {
            op = "+".equals(m.group(4)) ? Op.ADD : Op.SUBTRACT;
            if (m.group(5).length() > 9) {
                throw new IllegalArgumentException(argument + ": quantity " + m.group(5) + " (expected: 0.."
                        + FormationEntry.MAX_DYNOS + ")");
            }
            quantity = Integer.parseInt(m.group(5));
        }
        DynoSize size = null;
        if (m.group(6) != null) {
            try {
                size = DynoSize.parse(m.group(6));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(argument + ": " + e.getMessage());
            }
        }
        return new ScaleChange(argument, type, op, quantity, size);
    }

    /** Parses every argument. */
    public static List<ScaleChange> parseAll(List<String> arguments) {
        return arguments.stream().map(ScaleChange::parse).toList();
    }

    /**
     * Applies {@code changes} to {@code current} and returns the new formation; throws naming the
     * first bad argument (unknown type, negative or too large quantity, over 100 dynos in all).
     */
    public static Formation applyAll(Formation current, List<ScaleChange> changes) {
        Formation next = current;
        for (ScaleChange c : changes) {
            FormationEntry entry = next.entry(c.type).orElseThrow(() -> new IllegalArgumentException(
                    c.argument + ": unknown process type \"" + c.type + "\" (expected one of: "
                            + String.join(", ", current.entries().stream().map(FormationEntry::type).toList()) + ")"));
            int q = switch (c.op) {
                case SET -> c.quantity;
                case ADD -> entry.quantity() + c.quantity;
                case SUBTRACT -> entry.quantity() - c.quantity;
                case NONE -> entry.quantity();
            };
            if (q < 0 || q > FormationEntry.MAX_DYNOS) {
                throw new IllegalArgumentException(c.argument + ": quantity " + q + " (expected: 0.."
                        + FormationEntry.MAX_DYNOS + ")");
            }
            try {
                next = next.with(new FormationEntry(c.type, q, c.size == null ? entry.size() : c.size));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(c.argument + ": " + e.getMessage());
            }
        }
        return next;
    }
}
