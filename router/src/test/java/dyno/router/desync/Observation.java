package dyno.router.desync;

import dyno.router.testing.RecordingBackend.Event;
import java.util.List;

/**
 * What one run of a case produced: the bytes the case connection sent and read (case, then the
 * pipelined canary), what the fresh-connection canary read, and what the backend recorded meanwhile.
 */
record Observation(
        DesyncCase desyncCase,
        byte[] sent,
        List<String> methods,
        String pipelinedCanary,
        String freshCanary,
        String caseRaw,
        boolean caseClosed,
        String freshRaw,
        boolean freshClosed,
        List<Event> events) {

    ResponseStream caseStream() {
        return ResponseStream.parse(caseRaw, caseClosed, methods);
    }

    ResponseStream freshStream() {
        return ResponseStream.parse(freshRaw, freshClosed, List.of("GET"));
    }
}
