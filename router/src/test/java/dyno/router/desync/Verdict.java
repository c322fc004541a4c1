package dyno.router.desync;

/** How one proxy handled one case, and the evidence for the class. */
record Verdict(DesyncCase desyncCase, Verdict.Outcome outcome, String reason) {

    /** The classes, safest first. */
    enum Outcome {
        /** The client got 4xx/5xx or a close; the backend saw nothing ambiguous. */
        REFUSED,
        /** The backend saw exactly the request(s) the client sent, unambiguously framed. */
        NORMALISED,
        /** The backend (or, for a response case, the client) got bytes a peer could frame differently. */
        AMBIGUOUS,
        /** A client got bytes of another exchange, or a canary got an answer that is not its own. */
        POISONED,
        /** No complete answer, and no close, within the bound. */
        HUNG;

        boolean unsafe() {
            return this == AMBIGUOUS || this == POISONED || this == HUNG;
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
