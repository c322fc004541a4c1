package dyno.router.fuzz;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The property violations of one fuzz test class, one per broken clause (the method that threw,
 * and for a framing error its kind, the text in parentheses), the first input kept. With
 * {@code jazzer.keep_going} Jazzer logs a finding, writes its input to a crash file and fuzzes on,
 * and the test method itself passes; the class then fails here, listing every finding with its input.
 */
final class Findings {
    private final Map<String, String> first = new LinkedHashMap<>();
    private final Map<String, Integer> counts = new LinkedHashMap<>();

    synchronized AssertionError record(AssertionError violation) {
        StackTraceElement[] trace = violation.getStackTrace();
        StackTraceElement site = trace.length > 1 && trace[0].getMethodName().equals("violation") ? trace[1] : trace[0];
        String clause = site.getClassName() + "." + site.getMethodName();
        String firstLine = violation.getMessage().lines().findFirst().orElse("");
        if (site.getMethodName().startsWith("unframeable") && firstLine.endsWith(")")) {
            clause += " " + firstLine.substring(firstLine.lastIndexOf('('));
        }
        first.putIfAbsent(clause, violation.getMessage());
        counts.merge(clause, 1, Integer::sum);
        return violation;
    }

    /** Fails when fuzzing found anything (replaying a corpus fails each input on its own already). */
    synchronized void failIfFuzzingFoundAny(String what) {
        String fuzzing = System.getenv("JAZZER_FUZZ");
        if (fuzzing == null || fuzzing.isEmpty() || first.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder(first.size() + " broken clause(s) while fuzzing " + what
                + " (every input that broke one is in target/jazzer/crash-*):");
        first.forEach((clause, message) -> b.append("\n\n[").append(clause).append(", ")
                .append(counts.get(clause)).append(" input(s)] ").append(message));
        throw new AssertionError(b.toString());
    }
}
