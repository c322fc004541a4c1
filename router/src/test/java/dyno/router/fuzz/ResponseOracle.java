package dyno.router.fuzz;

import dyno.router.fuzz.ClientFraming.Response;
import dyno.router.fuzz.ClientFraming.Result;
import java.util.List;

/**
 * The dyno-to-router property: whatever bytes the dyno answers one exchange with, a canary request
 * sent right after (pipelined on the same client connection, and on a fresh one) gets exactly its
 * own answer, framed so a client can read it, and never a byte of the fuzzed answer. A router error
 * page instead of the canary's answer is allowed (the dyno may close a reused connection). Each
 * broken clause throws from its own method, so that Jazzer keeps one reproducer per clause.
 */
final class ResponseOracle {
    private static final String ERROR_PAGE = "<!DOCTYPE html>";

    private final byte[] input;
    private final ResponseInput response;
    private final String id;
    private final Client.Outcome same;
    private final Client.Outcome fresh;

    ResponseOracle(byte[] input, ResponseInput response, String id, Client.Outcome same, Client.Outcome fresh) {
        this.input = input;
        this.response = response;
        this.id = id;
        this.same = same;
        this.fresh = fresh;
    }

    static List<String> methods(ResponseInput response) {
        return List.of(response.ask == ResponseInput.Ask.HEAD ? "HEAD" : "GET", "GET");
    }

    void check() {
        checkSameConnection();
        checkFreshConnection();
    }

    private void checkSameConnection() {
        Result framed = ClientFraming.frame(same.raw(), methods(response), same.eof(), upgradeAsked(), false);
        if (framed.error() != null) {
            unframeableOnSameConnection(framed.error());
        }
        if (framed.tunnel()) {
            return; // after a 101 the bytes are the application's
        }
        if (same.timedOut() && (!upgradeAsked() || framed.finals() == 0)) {
            hangOnSameConnection();
        }
        List<Response> finals = framed.responses();
        if (!finals.isEmpty() && finals.get(0).body().contains("canary:")) {
            canaryInFuzzedAnswer();
        }
        if (finals.size() >= 2) {
            if (!isOwnAnswer(finals.get(1), id + "a")) {
                foreignAnswerOnSameConnection();
            }
            if (finals.size() > 2 || framed.rest() < same.raw().length()) {
                bytesAfterCanaryOnSameConnection();
            }
        }
    }

    private void checkFreshConnection() {
        Result framed = ClientFraming.frame(fresh.raw(), List.of("GET"), fresh.eof(), false, false);
        if (framed.error() != null) {
            unframeableOnFreshConnection(framed.error());
        }
        if (fresh.timedOut()) {
            hangOnFreshConnection();
        }
        if (framed.finals() == 0) {
            noAnswerOnFreshConnection();
        }
        if (!isOwnAnswer(framed.responses().get(0), id + "b")) {
            foreignAnswerOnFreshConnection();
        }
        if (framed.finals() > 1 || framed.rest() < fresh.raw().length()) {
            bytesAfterCanaryOnFreshConnection();
        }
    }

    private boolean upgradeAsked() {
        return response.ask == ResponseInput.Ask.UPGRADE;
    }

    private static boolean isOwnAnswer(Response r, String canary) {
        return (r.status() == 200 && r.body().equals(ScriptedBackend.canaryBody(canary)))
                || (r.status() >= 500 && r.body().startsWith(ERROR_PAGE));
    }

    private void unframeableOnSameConnection(String why) {
        throw violation("the client cannot frame what it read on the fuzzed connection (" + why + ")");
    }

    private void hangOnSameConnection() {
        throw violation("the fuzzed connection was neither answered nor closed within the bound");
    }

    private void canaryInFuzzedAnswer() {
        throw violation("the canary's bytes arrived inside the fuzzed exchange's answer");
    }

    private void foreignAnswerOnSameConnection() {
        throw violation("the canary pipelined after the fuzzed exchange got an answer that is not its own");
    }

    private void bytesAfterCanaryOnSameConnection() {
        throw violation("bytes after the pipelined canary's answer");
    }

    private void unframeableOnFreshConnection(String why) {
        throw violation("the client cannot frame the fresh canary's answer (" + why + ")");
    }

    private void hangOnFreshConnection() {
        throw violation("the canary on a fresh connection was neither answered nor closed within the bound");
    }

    private void noAnswerOnFreshConnection() {
        throw violation("the canary on a fresh connection got no answer");
    }

    private void foreignAnswerOnFreshConnection() {
        throw violation("the canary on a fresh connection got an answer that is not its own");
    }

    private void bytesAfterCanaryOnFreshConnection() {
        throw violation("bytes after the fresh canary's answer");
    }

    private AssertionError violation(String what) {
        return ResponseFuzzTest.FINDINGS.record(new AssertionError("Property broken: " + what
                + "\n  input (fuzzer bytes): \"" + Escape.of(input) + "\""
                + "\n  client asked: " + response.ask + ", the dyno answered"
                + (response.closeAfter ? " (then closed)" : "") + ": \"" + Escape.of(response.response) + "\""
                + "\n  same connection, canary " + id + "a, read" + (same.eof() ? " (then closed)" : "")
                + (same.timedOut() ? " (timed out)" : "") + ": \"" + Escape.of(same.raw()) + "\""
                + "\n  fresh connection, canary " + id + "b, read" + (fresh.eof() ? " (then closed)" : "")
                + (fresh.timedOut() ? " (timed out)" : "") + ": \"" + Escape.of(fresh.raw()) + "\""));
    }
}
