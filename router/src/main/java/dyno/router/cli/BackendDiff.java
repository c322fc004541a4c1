package dyno.router.cli;

import dyno.router.BackendStatus;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What turns the registered backends into the configured ones, by name: backends to add, to move to
 * a new address, to re-weight, and names to remove. A configured backend without a name takes the
 * name of a registered one at its address, else the first free {@code web.N}.
 */
record BackendDiff(List<BackendSpec> toAdd, List<BackendSpec> toMove, List<BackendSpec> toReweight,
                   List<String> removed) {

    static BackendDiff of(List<BackendStatus> current, List<BackendSpec> wanted) {
        Map<String, BackendStatus> byName = new LinkedHashMap<>();
        current.forEach(s -> byName.put(s.name(), s));
        Set<String> explicit = new HashSet<>();
        wanted.stream().filter(b -> b.name() != null).forEach(b -> explicit.add(b.name()));
        // unnamed backends first keep the name of a registered backend at the same address
        Map<InetSocketAddress, String> byAddress = new LinkedHashMap<>();
        current.stream().filter(s -> !explicit.contains(s.name())).forEach(s -> byAddress.putIfAbsent(s.address(), s.name()));
        Set<String> taken = new HashSet<>(explicit);
        taken.addAll(byName.keySet());
        List<BackendSpec> named = new ArrayList<>();
        for (BackendSpec b : wanted) {
            String name = b.name() != null ? b.name() : byAddress.remove(b.address());
            if (name == null) {
                name = BackendNames.next(taken);
                taken.add(name);
            }
            named.add(new BackendSpec(name, b.address(), b.weight()));
        }
        List<BackendSpec> add = new ArrayList<>();
        List<BackendSpec> move = new ArrayList<>();
        List<BackendSpec> reweight = new ArrayList<>();
        Set<String> kept = new HashSet<>();
        for (BackendSpec b : named) {
            BackendStatus s = byName.get(b.name());
            kept.add(b.name());
            if (s == null) {
                add.add(b);
            } else if (!s.address().equals(b.address())) {
                move.add(b);
            } else if (s.weight() != b.weight()) {
                reweight.add(b);
            }
        }
        List<String> removed = byName.keySet().stream().filter(n -> !kept.contains(n)).toList();
        return new BackendDiff(add, move, reweight, removed);
    }

    List<String> added() {
        return toAdd.stream().map(BackendSpec::name).toList();
    }

    List<String> changed() {
        List<String> out = new ArrayList<>();
        toMove.forEach(b -> out.add(b.name()));
        toReweight.forEach(b -> out.add(b.name()));
        return out;
    }
}
