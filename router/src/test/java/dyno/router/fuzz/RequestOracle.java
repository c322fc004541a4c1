package dyno.router.fuzz;

import dyno.router.fuzz.ClientFraming.Response;
import dyno.router.fuzz.ClientFraming.Result;
import dyno.router.fuzz.RequestInput.Meant;
import dyno.router.testing.RecordingBackend.Event;
import dyno.router.testing.RecordingBackend.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The client-to-router property: every request the router answers 2xx reached the dyno exactly
 * once, as the same method, target and body, and nothing else reached the dyno. Each broken clause
 * throws from its own method, so that Jazzer's de-duplication (by stack trace) keeps one
 * reproducer per clause.
 */
final class RequestOracle {
    private final byte[] input;
    private final RequestInput request;
    private final Client.Outcome outcome;
    private final List<Event> events;
    private final boolean ended;

    /**
     * @param ended true when the router closed the connection before the client shut its output;
     *              otherwise the router may drop a forwarded request's answer when it reads the shutdown
     */
    RequestOracle(byte[] input, RequestInput request, Client.Outcome outcome, List<Event> events, boolean ended) {
        this.input = input;
        this.request = request;
        this.outcome = outcome;
        this.events = events;
        this.ended = ended;
    }

    /** The methods of the requests in order, for framing the answers (HEAD has no body). */
    static List<String> methods(RequestInput request, List<Event> events) {
        List<String> methods = new ArrayList<>();
        if (!request.meant.isEmpty()) {
            request.meant.forEach(m -> methods.add(m.method()));
        } else {
            for (Event e : events) {
                if (e.kind() == Kind.REQUEST) {
                    methods.add(e.requestLine().split(" ", 2)[0]);
                }
            }
        }
        return methods;
    }

    void check() {
        Result framed = ClientFraming.frame(outcome.raw(), methods(request, events), outcome.eof(), true, true);
        if (framed.error() != null) {
            unframeableAnswer(framed.error());
        }
        List<Event> requests = new ArrayList<>();
        for (Event e : events) {
            switch (e.kind()) {
                case UNFRAMEABLE -> {
                    if ("trailer section".equals(e.problem())) {
                        trailersForwarded(e);
                    }
                    dynoCouldNotFrame(e);
                }
                case ABORTED -> {
                    if ("no end of head".equals(e.problem()) && !e.head().isEmpty()) {
                        strayBytes(e);
                    }
                }
                case REQUEST -> {
                    String ambiguity = ambiguity(e);
                    if (ambiguity != null && ambiguity.endsWith(" Host headers")) {
                        forwardedWithoutOneHost(e);
                    } else if (ambiguity != null) {
                        forwardedAmbiguously(e);
                    }
                    requests.add(e);
                }
                default -> throw new AssertionError(e.kind());
            }
        }
        int served = 0;
        List<Response> finals = framed.responses();
        for (int k = 0; k < finals.size(); k++) {
            Response r = finals.get(k);
            if (r.status() < 200 || r.status() > 299 || r.status() == 101) {
                continue;
            }
            if (served >= requests.size()) {
                answeredWithoutDyno(r);
            }
            Event e = requests.get(served++);
            if (k < request.meant.size() && request.meant.get(k).exact()) {
                sameRequest(request.meant.get(k), e);
            }
        }
        boolean allExact = !request.meant.isEmpty() && request.meant.stream().allMatch(Meant::exact);
        if (allExact && request.junk == 0 && served > request.meant.size()) {
            moreAnswersThanRequests(served);
        }
        if (ended && requests.size() > served && !framed.tunnel()) {
            servedButUnanswered(requests.size() - served);
        }
    }

    /**
     * Why the dyno may read the request differently, or null; obs-text (bytes 0x80 to 0xFF) in a
     * field value is allowed (RFC 9110 section 5.5), though the recording backend is stricter.
     */
    private static String ambiguity(Event e) {
        String ambiguity = e.ambiguity();
        if (ambiguity != null && ambiguity.startsWith("header line")) {
            int lineEnd = e.head().indexOf("\r\n") + 2;
            String head = e.head().substring(0, lineEnd) + e.head().substring(lineEnd).replaceAll("[\\x80-\\xff]", "x");
            return new Event(e.kind(), e.connection(), head, e.body(), e.problem()).ambiguity();
        }
        return ambiguity;
    }

    private void sameRequest(Meant meant, Event e) {
        String[] line = e.requestLine().split(" ");
        String target = RequestInput.forwardedTarget(meant.target());
        if (!line[0].equals(meant.method()) || line.length < 2 || !line[1].equals(target)
                || !Arrays.equals(e.body(), meant.body())) {
            forwardedDifferently(meant, target, e);
        }
    }

    private void unframeableAnswer(String why) {
        throw violation("the client cannot frame the router's answer (" + why + ")");
    }

    private void trailersForwarded(Event e) {
        throw violation("request trailers reached the dyno, which cannot frame them: " + e);
    }

    private void dynoCouldNotFrame(Event e) {
        throw violation("the dyno could not frame what the router sent: " + e);
    }

    private void strayBytes(Event e) {
        throw violation("bytes outside any request reached the dyno after the forwarded ones: " + e);
    }

    private void forwardedAmbiguously(Event e) {
        throw violation("forwarded a request the dyno may read differently (" + e.ambiguity() + "): " + e);
    }

    private void forwardedWithoutOneHost(Event e) {
        throw violation("forwarded an HTTP/1.1 request without exactly one Host (" + e.ambiguity() + "): " + e);
    }

    private void answeredWithoutDyno(Response r) {
        throw violation("a 2xx answer with no request at the dyno behind it: " + Escape.of(r.head()));
    }

    private void forwardedDifferently(Meant meant, String target, Event e) {
        throw violation("forwarded as another request: meant " + meant.method() + " " + Escape.of(target)
                + " body=\"" + Escape.of(meant.body()) + "\", the dyno saw " + e);
    }

    private void moreAnswersThanRequests(int answers) {
        throw violation(answers + " requests served for " + request.meant.size() + " sent: a request was smuggled");
    }

    private void servedButUnanswered(int count) {
        throw violation(count + " request(s) served by the dyno whose answer the client never got");
    }

    private AssertionError violation(String what) {
        return RequestFuzzTest.FINDINGS.record(new AssertionError("Property broken: " + what
                + "\n  input (fuzzer bytes): \"" + Escape.of(input) + "\""
                + "\n  sent to the router:   \"" + Escape.of(request.bytes) + "\""
                + "\n  client read" + (outcome.closed() ? " (then the router closed)" : outcome.eof()
                        ? " (then closed after the client shut its output)" : "") + ": \""
                + Escape.of(outcome.raw().getBytes(StandardCharsets.ISO_8859_1)) + "\""
                + "\n  dyno saw: " + events));
    }
}
