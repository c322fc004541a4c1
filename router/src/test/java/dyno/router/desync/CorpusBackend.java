package dyno.router.desync;

import dyno.router.testing.RecordingBackend;
import dyno.router.testing.RecordingBackend.Event;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one backend behind every proxy under test: a {@link RecordingBackend} that answers each
 * complete request {@code 200} with the request line as its body (so a response names the request
 * it answers), except {@code /resp/TAG/ID}, which gets response case ID's scripted bytes.
 */
final class CorpusBackend implements AutoCloseable {
    static final String RESPONSE_PREFIX = "/resp/";

    private final RecordingBackend recording;

    private CorpusBackend(RecordingBackend recording) {
        this.recording = recording;
    }

    /** Starts on 127.0.0.1:{@code port} (0: any free port), scripted with the response cases of {@code corpus}. */
    static CorpusBackend start(int port, List<DesyncCase> corpus) throws IOException {
        Map<String, DesyncCase> scripts = corpus.stream()
                .filter(c -> c.direction() == DesyncCase.Direction.RESPONSE)
                .collect(Collectors.toMap(DesyncCase::id, Function.identity()));
        return new CorpusBackend(RecordingBackend.start(port, (request, out) -> respond(scripts, request, out)));
    }

    InetSocketAddress address() {
        return recording.address();
    }

    List<Event> events() {
        return recording.events();
    }

    private static boolean respond(Map<String, DesyncCase> scripts, Event request, OutputStream out) throws IOException {
        String line = request.requestLine();
        String[] parts = line.split(" ");
        String target = parts.length > 1 ? parts[1] : "";
        if (target.startsWith(RESPONSE_PREFIX)) {
            String id = target.substring(target.lastIndexOf('/') + 1);
            DesyncCase c = scripts.get(id);
            if (c != null) {
                out.write(c.reply());
                out.flush();
                if (c.later() != null) {
                    sleep(c.laterMillis());
                    out.write(c.later());
                    out.flush();
                }
                return !c.closeAfter();
            }
        }
        // one write: a head and body in two segments would wait out Nagle and the delayed ACK
        String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + line.length() + "\r\n\r\n";
        out.write((parts[0].equals("HEAD") ? head : head + line).getBytes(StandardCharsets.ISO_8859_1));
        return true;
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        recording.close();
    }
}
