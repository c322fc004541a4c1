package dyno.router.fuzz;

import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dyno.router.fuzz.ClientFraming.Result;
import dyno.router.testing.RecordingBackend;
import dyno.router.testing.RecordingBackend.Event;
import dyno.router.testing.RecordingBackend.Kind;
import dyno.router.testing.RouterFixture;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing of the client-to-router direction: fuzzer-built request bytes go to a
 * router in front of a {@link RecordingBackend}, and {@link RequestOracle} checks that each 2xx
 * answer stands for exactly one identical request at the dyno and that nothing else reached it.
 * Regression mode (the default) replays {@code RequestFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes
 * (see docs/reliability.md, "Fuzzing").
 */
@Tag("fuzz")
class RequestFuzzTest {
    private static final Logger logger = LoggerFactory.getLogger(RequestFuzzTest.class);
    /**
     * Silence after which a client that got every answer the dyno gave stops waiting: longer while
     * nothing was answered (the router may still be reading), short once something was.
     */
    private static final long QUIET_MILLIS = 40;
    private static final long QUIET_AFTER_ANSWER_MILLIS = 10;
    private static final long MAX_MILLIS = 10_000;

    static final Findings FINDINGS = new Findings();

    private static RouterFixture fx;
    private static RecordingBackend backend;
    private static IterationDynos dynos;
    private static final AtomicLong executions = new AtomicLong();
    private static final AtomicLong forwarded = new AtomicLong();
    private static long startNanos;

    @BeforeAll
    static void start() throws Exception {
        fx = new RouterFixture(b -> b.threads(1).headerTimeout(Duration.ofSeconds(2))
                .idleTimeout(Duration.ofSeconds(2)).firstByteTimeout(Duration.ofSeconds(5)).maxAttempts(1));
        backend = RecordingBackend.start();
        dynos = new IterationDynos(fx.router.registry(), backend.address(), backend::openConnections);
        warmUp();
        startNanos = System.nanoTime();
    }

    /** One exchange before fuzzing, so that class loading and the first connect happen outside any input. */
    private static void warmUp() throws Exception {
        String dyno = dynos.add();
        fx.get("/warm-up");
        dynos.remove(dyno);
        backend.clearEvents();
    }

    @AfterAll
    static void stop() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        logger.info("Request fuzzing: {} executions in {} s ({} per second), {} with a request forwarded",
                executions.get(), String.format("%.1f", seconds), String.format("%.0f", executions.get() / seconds),
                forwarded.get());
        if (fx != null) {
            fx.close();
        }
        if (backend != null) {
            backend.close();
        }
        FINDINGS.failIfFuzzingFoundAny("client-to-router requests");
    }

    @FuzzTest(maxDuration = "30s")
    // libFuzzer's dictionary syntax: CR is \x0d, LF \x0a.
    @DictionaryEntries({"\\x0d\\x0a", "\\x0d\\x0a\\x0d\\x0a", "HTTP/1.1", "HTTP/1.0", "Host: x\\x0d\\x0a",
            "Content-Length: ", "Transfer-Encoding: chunked\\x0d\\x0a", "chunked", "0\\x0d\\x0a\\x0d\\x0a",
            "Connection: ", "keep-alive", "close", "Upgrade: websocket", "Sec-WebSocket-Key1: ", "Sec-WebSocket-Key2: ",
            "Expect: 100-continue", "GET ", "POST ", "HEAD ", "OPTIONS * ", "http://x/", ";ext=1", "Trailer: "})
    void forwardsExactlyOneCopyOfEachAcceptedRequest(byte[] input) throws Exception {
        // Jazzer's SSRF detector flags every connection unless allowed: allow loopback only.
        try (SilentCloseable loopback = Loopback.allow()) {
            iterate(input);
        }
    }

    private static void iterate(byte[] input) throws Exception {
        RequestInput request = RequestInput.decode(input);
        int firstConnection = backend.connectionsAccepted() + 1;
        String dyno = dynos.add();
        Client.Outcome outcome;
        try {
            outcome = Client.converse(fx.router.port(), request.bytes, (raw, quietMillis) -> {
                List<Event> seen = backend.events();
                Result framed = ClientFraming.frame(raw, RequestOracle.methods(request, seen), false, true, true);
                long atDyno = seen.stream().filter(e -> e.kind() == Kind.REQUEST).count();
                if (framed.error() != null || framed.tunnel()) {
                    return true;
                }
                if (!request.meant.isEmpty() && framed.finals() >= request.meant.size() && framed.finals() >= atDyno) {
                    return true;
                }
                long quiet = framed.finals() == 0 ? QUIET_MILLIS : QUIET_AFTER_ANSWER_MILLIS;
                return quietMillis >= quiet && framed.finals() >= atDyno && framed.rest() == raw.length()
                        && fx.router.registry().inFlight(dyno) == 0; // never give up on a request being routed
            }, MAX_MILLIS);
        } finally {
            if (!dynos.remove(dyno)) {
                throw FINDINGS.record(new AssertionError("the router kept a connection to a removed dyno open; input \""
                        + Escape.of(input) + "\""));
            }
        }
        List<Event> events = backend.events();
        backend.clearEvents();
        executions.incrementAndGet();
        for (Event e : events) {
            if (e.connection() < firstConnection) {
                throw FINDINGS.record(new AssertionError("an event of an earlier iteration's connection: " + e));
            }
        }
        if (events.stream().anyMatch(e -> e.kind() == Kind.REQUEST)) {
            forwarded.incrementAndGet();
        }
        new RequestOracle(input, request, outcome, events, outcome.closed()).check();
    }
}
