package dyno.router.desync;

import dyno.router.desync.Verdict.Outcome;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain-text tables of verdicts: one column per proxy, then counts per class. */
final class DesyncTable {
    private DesyncTable() {
    }

    /** One row per case: id, class per proxy, description; {@code columns} maps a proxy name to its verdicts in corpus order. */
    static String render(List<DesyncCase> corpus, Map<String, List<Verdict>> columns, boolean reasons) {
        StringBuilder b = new StringBuilder();
        b.append(String.format("%-28s", "case"));
        columns.keySet().forEach(name -> b.append(String.format(" %-11s", name)));
        b.append(" description\n");
        for (int i = 0; i < corpus.size(); i++) {
            DesyncCase c = corpus.get(i);
            b.append(String.format("%-28s", c.id()));
            for (List<Verdict> v : columns.values()) {
                b.append(String.format(" %-11s", v.get(i).outcome().label()));
            }
            b.append(' ').append(c.description()).append('\n');
            if (reasons) {
                for (Map.Entry<String, List<Verdict>> e : columns.entrySet()) {
                    Verdict v = e.getValue().get(i);
                    if (v.outcome().unsafe()) {
                        b.append("    ").append(e.getKey()).append(": ").append(v.reason()).append('\n');
                    }
                }
            }
        }
        b.append('\n').append(counts(columns));
        return b.toString();
    }

    /** How many cases each proxy put in each class. */
    static String counts(Map<String, List<Verdict>> columns) {
        StringBuilder b = new StringBuilder(String.format("%-12s", "class"));
        columns.keySet().forEach(name -> b.append(String.format(" %8s", name)));
        b.append('\n');
        Map<String, Map<Outcome, Integer>> counted = new LinkedHashMap<>();
        columns.forEach((name, verdicts) -> {
            Map<Outcome, Integer> m = new EnumMap<>(Outcome.class);
            verdicts.forEach(v -> m.merge(v.outcome(), 1, Integer::sum));
            counted.put(name, m);
        });
        for (Outcome o : Outcome.values()) {
            b.append(String.format("%-12s", o.label()));
            counted.values().forEach(m -> b.append(String.format(" %8d", m.getOrDefault(o, 0))));
            b.append('\n');
        }
        return b.toString();
    }

    /** The rows where the proxies do not all agree on the class. */
    static List<String> differing(List<DesyncCase> corpus, Map<String, List<Verdict>> columns) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < corpus.size(); i++) {
            final int row = i;
            long distinct = columns.values().stream().map(v -> v.get(row).outcome()).distinct().count();
            if (distinct > 1) {
                out.add(corpus.get(i).id());
            }
        }
        return out;
    }
}
