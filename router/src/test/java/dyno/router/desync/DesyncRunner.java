package dyno.router.desync;

import static dyno.router.testing.RawHttp.printable;

import dyno.router.desync.DesyncCase.Direction;
import dyno.router.testing.RecordingBackend.Event;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Runs corpus cases one at a time against a proxy on 127.0.0.1:{@code port} in front of
 * {@link CorpusBackend}. Each case: its bytes, then a canary pipelined on the same connection, then a
 * canary on a fresh connection; each canary's target is unique, and so is each answer's body.
 */
final class DesyncRunner {
    /** The bound for any one answer; generous, for a busy 2-core machine. */
    static final long ANSWER_MILLIS = 3000;
    private static final long QUIET_MILLIS = 25;
    private static final long FIRST_ANSWER_MILLIS = 500;

    private final CorpusBackend backend;
    private final int port;
    private final String run;

    /** {@code run} keeps canary targets unique across runs that share the backend. */
    DesyncRunner(CorpusBackend backend, int port, String run) {
        this.backend = backend;
        this.port = port;
        this.run = run;
    }

    List<Verdict> runAll(List<DesyncCase> cases) throws IOException, InterruptedException {
        List<Verdict> out = new ArrayList<>();
        boolean trace = Boolean.getBoolean("desync.trace");
        for (DesyncCase c : cases) {
            long start = System.nanoTime();
            Observation o = observe(c);
            Verdict v = Classifier.classify(o);
            if (trace) {
                System.out.printf("%s %s (%d ms): %s%n  case conn%s: %s%n  fresh conn%s: %s%n  backend: %s%n", c.id(),
                        v.outcome().label(), (System.nanoTime() - start) / 1_000_000, v.reason(), o.caseClosed() ? " (closed)" : "", printable(o.caseRaw()),
                        o.freshClosed() ? " (closed)" : "", printable(o.freshRaw()), o.events());
            }
            out.add(v);
        }
        return out;
    }

    Observation observe(DesyncCase c) throws IOException, InterruptedException {
        String tag = run + "." + c.id();
        String pipelined = "/canary/" + tag + "/a";
        String fresh = "/canary/" + tag + "/b";
        byte[] sent = c.direction() == Direction.RESPONSE
                ? ResponseStream.text(c.send()).replace("{target}", CorpusBackend.RESPONSE_PREFIX + tag + "/" + c.id())
                        .getBytes(StandardCharsets.ISO_8859_1)
                : c.send();
        List<String> methods = new ArrayList<>(Collections.nCopies(c.requests(), firstToken(sent)));
        methods.add("GET");
        int mark = backend.events().size();

        String caseRaw;
        boolean caseClosed;
        try (Conversation conv = new Conversation(port)) {
            conv.send(sent);
            long wait = c.direction() == Direction.RESPONSE ? ANSWER_MILLIS : FIRST_ANSWER_MILLIS;
            // late bytes land while the proxy's dyno connection is idle, before any canary: a proxy that
            // reused that connection for the canary could not tell them from the canary's answer
            long quiet = QUIET_MILLIS + (c.later() != null ? c.laterMillis() + 400L : 0);
            conv.readUntil(raw -> ResponseStream.parse(raw, false, methods).finals().size() >= c.requests(),
                    quiet, wait + quiet);
            boolean silent = c.direction() == Direction.RESPONSE && !conv.closed()
                    && ResponseStream.parse(conv.raw(), false, methods).finals().isEmpty();
            conv.send(canary(pipelined));
            // done once the canary's slot is answered, by its own answer or another
            conv.readUntil(raw -> answered(raw, methods, pipelined)
                            || ResponseStream.parse(raw, false, methods).finals().size() > c.requests(),
                    QUIET_MILLIS, silent ? 200 : ANSWER_MILLIS);
            caseRaw = conv.raw();
            caseClosed = conv.closed();
        }
        String freshRaw;
        boolean freshClosed;
        try (Conversation conv = new Conversation(port)) {
            conv.send(canary(fresh));
            conv.readUntil(raw -> !ResponseStream.parse(raw, false, List.of("GET")).finals().isEmpty(), QUIET_MILLIS,
                    ANSWER_MILLIS);
            freshRaw = conv.raw();
            freshClosed = conv.closed();
        }
        Thread.sleep(10); // lets the backend record the end of connections the proxy closed
        List<Event> all = backend.events();
        return new Observation(c, sent, methods, pipelined, fresh, caseRaw, caseClosed, freshRaw, freshClosed,
                List.copyOf(all.subList(Math.min(mark, all.size()), all.size())));
    }

    private static boolean answered(String raw, List<String> methods, String target) {
        return ResponseStream.parse(raw, false, methods).finals().stream()
                .anyMatch(r -> target.equals(Classifier.namedTarget(r.body())));
    }

    static byte[] canary(String target) {
        return ("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String firstToken(byte[] bytes) {
        String s = ResponseStream.text(bytes);
        int end = 0;
        while (end < s.length() && end < 32 && s.charAt(end) > ' ') {
            end++;
        }
        return s.substring(0, end);
    }
}
