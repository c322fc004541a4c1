package dyno.router.desync;

import static dyno.router.testing.RawHttp.printable;

import dyno.router.desync.DesyncCase.Direction;
import dyno.router.desync.ResponseStream.Response;
import dyno.router.desync.Verdict.Outcome;
import dyno.router.testing.RecordingBackend.Event;
import dyno.router.testing.RecordingBackend.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns an {@link Observation} into a {@link Verdict}: poisoned, then hung, then ambiguous, else refused or normalised. */
final class Classifier {
    private static final Pattern NAMED = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+ (\\S+) HTTP/1\\.[01]");

    private Classifier() {
    }

    /** The target of the request an answer's body names (the backend answers with the request line), or null. */
    static String namedTarget(String body) {
        Matcher m = NAMED.matcher(body);
        return m.find() ? m.group(1) : null;
    }

    static Verdict classify(Observation o) {
        List<String> poisoned = new ArrayList<>();
        List<String> hung = new ArrayList<>();
        List<String> ambiguous = new ArrayList<>();
        checkCaseConnection(o, poisoned, hung, ambiguous);
        checkFreshConnection(o, poisoned, hung);
        int requests = checkBackend(o, ambiguous);
        if (!poisoned.isEmpty()) {
            return verdict(o, Outcome.POISONED, poisoned);
        }
        if (!hung.isEmpty()) {
            return verdict(o, Outcome.HUNG, hung);
        }
        if (!ambiguous.isEmpty()) {
            return verdict(o, Outcome.AMBIGUOUS, ambiguous);
        }
        List<Response> finals = o.caseStream().finals();
        String first = finals.isEmpty() ? "closed" : String.valueOf(finals.get(0).status());
        if (o.desyncCase().direction() == Direction.REQUEST) {
            return requests == 0
                    ? new Verdict(o.desyncCase(), Outcome.REFUSED, first)
                    : new Verdict(o.desyncCase(), Outcome.NORMALISED, first + ", backend saw " + requests);
        }
        int scripted = scriptedStatus(o.desyncCase());
        boolean refused = finals.isEmpty() || (finals.get(0).status() >= 500 && finals.get(0).status() != scripted);
        return new Verdict(o.desyncCase(), refused ? Outcome.REFUSED : Outcome.NORMALISED,
                first + " for a scripted " + scripted);
    }

    private static void checkCaseConnection(Observation o, List<String> poisoned, List<String> hung,
            List<String> ambiguous) {
        ResponseStream stream = o.caseStream();
        List<Response> finals = stream.finals();
        String sent = ResponseStream.text(o.sent());
        int canaryAt = -1;
        int others = 0;
        for (int i = 0; i < finals.size(); i++) {
            Response r = finals.get(i);
            String target = namedTarget(r.body());
            if (o.pipelinedCanary().equals(target) && canaryAt < 0) {
                canaryAt = i;
                continue;
            }
            if (canaryAt >= 0) {
                poisoned.add("after the pipelined canary's answer came " + summary(r));
            } else if (target != null && target.startsWith("/canary/")) {
                poisoned.add("the case connection got another exchange's answer " + summary(r));
            } else if (target != null && !sent.contains(target) && !sent.contains(RequestForm.decode(target))) {
                poisoned.add("the case connection got an answer to a request it never sent " + summary(r));
            }
            others++;
        }
        if (others > o.desyncCase().requests() && !ownBytesRefused(o, finals)) {
            poisoned.add(others + " answers, none the pipelined canary's, to " + o.desyncCase().requests()
                    + " request(s) and the canary: " + statuses(finals));
        }
        // a truncated response is the proxy giving up; anything else unframed belongs to no exchange
        String rest = stream.rest();
        if (!rest.isBlank() && !ownHeadlessAnswer(o, finals, rest)
                && (!rest.startsWith("HTTP/") || (!finals.isEmpty() && (o.caseClosed() || canaryAt >= 0)))) {
            poisoned.add("bytes no response frames after " + statuses(finals) + ": '" + printable(rest) + "'");
        }
        for (Response r : stream.responses()) {
            if (r.framing() != null) {
                ambiguous.add("the client got a " + r.status() + " a client could frame differently: " + r.framing());
            }
        }
        if (canaryAt < 0 && !o.caseClosed()) {
            hung.add(finals.isEmpty()
                    ? "no answer and no close in " + DesyncRunner.ANSWER_MILLIS + " ms"
                    : "the pipelined canary got no answer and no close in " + DesyncRunner.ANSWER_MILLIS + " ms after "
                            + statuses(finals));
        }
    }

    private static void checkFreshConnection(Observation o, List<String> poisoned, List<String> hung) {
        ResponseStream stream = o.freshStream();
        List<Response> finals = stream.finals();
        if (finals.isEmpty()) {
            if (o.freshClosed()) {
                poisoned.add("the fresh canary's connection closed without an answer: '" + printable(o.freshRaw()) + "'");
            } else {
                hung.add("the fresh canary got no answer in " + DesyncRunner.ANSWER_MILLIS + " ms");
            }
            return;
        }
        Response r = finals.get(0);
        if (!o.freshCanary().equals(namedTarget(r.body()))) {
            poisoned.add("the fresh canary got " + summary(r));
        }
        if (finals.size() > 1 || !stream.rest().isBlank()) {
            poisoned.add("the fresh canary got more than its answer: '" + printable(o.freshRaw()) + "'");
        }
    }

    /** Adds what the backend saw that a server could frame differently; returns the case's requests it saw. */
    private static int checkBackend(Observation o, List<String> ambiguous) {
        int requests = 0;
        Event first = null;
        for (Event e : o.events()) {
            String target = e.head().contains(o.pipelinedCanary()) ? o.pipelinedCanary()
                    : e.head().contains(o.freshCanary()) ? o.freshCanary() : null;
            if (target != null) {
                // A canary glued to the client's own leftover bytes is still one well-formed request
                // (GGET /canary...) when the proxy parsed it so; what no strict parser would accept
                // reached the backend only because the proxy forwarded bytes it did not frame.
                if (e.kind() != Kind.REQUEST) {
                    ambiguous.add("a canary reached the backend as " + e);
                } else if (RequestForm.ambiguity(e.head()) != null) {
                    ambiguous.add("a canary reached the backend with " + RequestForm.ambiguity(e.head()));
                }
                continue;
            }
            switch (e.kind()) {
                case UNFRAMEABLE -> ambiguous.add("the backend could not frame " + e);
                case ABORTED -> {
                    // the proxy gave up mid-request and closed: the backend can act on nothing
                }
                case REQUEST -> {
                    String why = RequestForm.ambiguity(e.head());
                    if (why != null) {
                        ambiguous.add("the backend got " + why + " in " + e);
                    }
                    requests++;
                    first = first == null ? e : first;
                }
                default -> throw new AssertionError(e.kind());
            }
        }
        if (requests > o.desyncCase().requests()) {
            ambiguous.add("the backend saw " + requests + " requests where the client sent "
                    + o.desyncCase().requests());
        }
        if (first != null && o.desyncCase().direction() == Direction.REQUEST && o.desyncCase().requests() == 1) {
            String diff = RequestForm.difference(o.sent(), first);
            if (diff != null) {
                ambiguous.add(diff);
            }
        }
        return requests;
    }

    /**
     * Whether bytes without a status line are still the client's own answer: the HTTP/0.9 answer (a
     * bare body, then the close) to its own HTTP/0.9 request, or HTTP/2 frames after its own preface.
     */
    private static boolean ownHeadlessAnswer(Observation o, List<Response> finals, String rest) {
        String sent = ResponseStream.text(o.sent());
        if (sent.startsWith("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n")) {
            return true;
        }
        String target = namedTarget(rest);
        return finals.isEmpty() && o.caseClosed() && target != null
                && sent.contains(target) && !sent.substring(0, Math.max(0, sent.indexOf("\r\n"))).contains(" HTTP/");
    }

    /**
     * Whether the answers past the case's own are the proxy refusing with 400 what the client itself
     * sent after them (a request case's trailing bytes, glued to the canary): nothing reached another
     * exchange.
     */
    private static boolean ownBytesRefused(Observation o, List<Response> finals) {
        if (o.desyncCase().direction() != Direction.REQUEST) {
            return false;
        }
        int extra = 0;
        for (Response r : finals) {
            if (namedTarget(r.body()) == null) {
                if (r.status() != 400) {
                    return false;
                }
                extra++;
            }
        }
        return extra > 0;
    }

    private static int scriptedStatus(DesyncCase c) {
        String reply = ResponseStream.text(c.reply());
        return reply.length() >= 12 && reply.substring(9, 12).matches("\\d{3}") ? Integer.parseInt(reply.substring(9, 12)) : 0;
    }

    private static String summary(Response r) {
        String head = r.head();
        int eol = head.indexOf("\r\n");
        return "'" + printable(eol < 0 ? head : head.substring(0, eol)) + "' body '" + printable(r.body()) + "'";
    }

    private static String statuses(List<Response> finals) {
        return finals.stream().map(r -> String.valueOf(r.status())).toList().toString();
    }

    private static Verdict verdict(Observation o, Outcome outcome, List<String> reasons) {
        return new Verdict(o.desyncCase(), outcome, String.join("; ", reasons.subList(0, Math.min(2, reasons.size()))));
    }
}
