package dyno.router.desync;

import dyno.router.testing.RouterFixture;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the desync corpus against several proxies in front of one {@link CorpusBackend} and prints
 * one table with a column per proxy. Dyno's router runs in this JVM; the others are started by
 * {@code benchmarks/load/desync-compare.sh} with the backend address it gives them.
 *
 * <pre>
 * java -cp ... dyno.router.desync.DesyncCompare --backend-port 18490 --dyno \
 *     --proxy haproxy=18491 --proxy nginx=18492 [--reasons] [--only ID,ID]
 * </pre>
 */
public final class DesyncCompare {
    private DesyncCompare() {
    }

    public static void main(String[] args) throws Exception {
        int backendPort = 0;
        boolean dyno = false;
        boolean reasons = false;
        List<String> only = List.of();
        Map<String, Integer> proxies = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--backend-port" -> backendPort = Integer.parseInt(args[++i]);
                case "--dyno" -> dyno = true;
                case "--reasons" -> reasons = true;
                case "--only" -> only = List.of(args[++i].split(","));
                case "--proxy" -> {
                    String[] nameAndPort = args[++i].split("=", 2);
                    proxies.put(nameAndPort[0], Integer.parseInt(nameAndPort[1]));
                }
                default -> throw new IllegalArgumentException("argument: " + args[i]
                        + " (expected: --backend-port N, --dyno, --proxy NAME=PORT, --reasons, --only IDS)");
            }
        }
        List<DesyncCase> corpus = new ArrayList<>(Corpus.load());
        if (!only.isEmpty()) {
            List<String> wanted = only;
            corpus.removeIf(c -> !wanted.contains(c.id()));
        }
        Map<String, List<Verdict>> columns = new LinkedHashMap<>();
        try (CorpusBackend backend = CorpusBackend.start(backendPort, corpus)) {
            if (dyno) {
                try (RouterFixture fx = new RouterFixture(b -> b.threads(1))) {
                    fx.router.registry().add("web.1", backend.address());
                    columns.put("dyno", new DesyncRunner(backend, fx.router.port(), "dyno").runAll(corpus));
                }
            }
            for (Map.Entry<String, Integer> p : proxies.entrySet()) {
                columns.put(p.getKey(), new DesyncRunner(backend, p.getValue(), p.getKey()).runAll(corpus));
            }
        }
        System.out.println(DesyncTable.render(corpus, columns, reasons));
        System.out.println("cases where the proxies differ: " + String.join(" ", DesyncTable.differing(corpus, columns)));
    }
}
