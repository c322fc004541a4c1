package dyno.runtime.formation;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** An app's formation: for each process type, a quantity and a size. Immutable. */
public final class Formation {
    private final Map<String, FormationEntry> entries;

    private Formation(Map<String, FormationEntry> entries) {
        this.entries = entries;
    }

    /** A formation of {@code entries} in the given order; more than 100 dynos in all is refused. */
    public static Formation of(Collection<FormationEntry> entries) {
        Map<String, FormationEntry> map = new LinkedHashMap<>();
        int total = 0;
        for (FormationEntry e : entries) {
            if (map.put(e.type(), e) != null) {
                throw new IllegalArgumentException("type: \"" + e.type() + "\" appears twice");
            }
            total += e.quantity();
        }
        if (total > FormationEntry.MAX_DYNOS) {
            throw new IllegalArgumentException("quantity: " + total + " dynos in all (expected: at most "
                    + FormationEntry.MAX_DYNOS + ")");
        }
        return new Formation(java.util.Collections.unmodifiableMap(map));
    }

    /** The entries in process type order. */
    public List<FormationEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** The entry for {@code type}, if any. */
    public Optional<FormationEntry> entry(String type) {
        return Optional.ofNullable(entries.get(type));
    }

    /** Quantity of {@code type}, 0 when absent. */
    public int quantity(String type) {
        FormationEntry e = entries.get(type);
        return e == null ? 0 : e.quantity();
    }

    /** Total number of dynos. */
    public int total() {
        return entries.values().stream().mapToInt(FormationEntry::quantity).sum();
    }

    /** A copy with {@code entry} replacing the entry of its type. */
    public Formation with(FormationEntry entry) {
        List<FormationEntry> list = new ArrayList<>();
        boolean replaced = false;
        for (FormationEntry e : entries.values()) {
            if (e.type().equals(entry.type())) {
                list.add(entry);
                replaced = true;
            } else {
                list.add(e);
            }
        }
        if (!replaced) {
            list.add(entry);
        }
        return of(list);
    }

    /** {@code web=3:Standard-1X worker=1:Standard-1X}. */
    @Override
    public String toString() {
        return entries.values().stream().map(FormationEntry::toString).collect(Collectors.joining(" "));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Formation f && f.entries.equals(entries);
    }

    @Override
    public int hashCode() {
        return entries.hashCode();
    }
}
