package dyno.router.fuzz;

import com.code_intelligence.jazzer.api.SilentCloseable;
import com.code_intelligence.jazzer.junit.DictionaryEntries;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dyno.router.fuzz.ClientFraming.Result;
import dyno.router.testing.RouterFixture;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Coverage-guided fuzzing of the dyno-to-router direction: a {@link ScriptedBackend} answers one
 * exchange with fuzzer-built bytes, then canaries on the same and on a fresh client connection
 * must get their own answers ({@link ResponseOracle}). One router event loop, so that the fresh
 * connection shares the pool the fuzzed exchange returned its dyno connection to. Regression mode
 * (the default) replays {@code ResponseFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes (see
 * docs/reliability.md, "Fuzzing").
 */
@Tag("fuzz")
class ResponseFuzzTest {
    private static final Logger logger = LoggerFactory.getLogger(ResponseFuzzTest.class);
    /**
     * Liveness bound for one client connection. The dyno closes every connection within
     * {@link ScriptedBackend#IDLE_CLOSE_MILLIS} of its last byte, so a router that still holds the
     * client this long after has hung (its own timeouts are Heroku's, far longer).
     */
    private static final long BOUND_MILLIS = 10_000;

    static final Findings FINDINGS = new Findings();

    private static RouterFixture fx;
    private static ScriptedBackend backend;
    private static IterationDynos dynos;
    private static final AtomicLong executions = new AtomicLong();
    private static long startNanos;

    @BeforeAll
    static void start() throws Exception {
        fx = new RouterFixture(b -> b.threads(1).maxAttempts(1));
        backend = new ScriptedBackend();
        dynos = new IterationDynos(fx.router.registry(), backend.address(), backend::openConnections);
        String dyno = dynos.add(); // warm up outside any input
        fx.get("/canary/warm-up");
        dynos.remove(dyno);
        startNanos = System.nanoTime();
    }

    @AfterAll
    static void stop() throws Exception {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        logger.info("Response fuzzing: {} executions in {} s ({} per second)", executions.get(),
                String.format("%.1f", seconds), String.format("%.0f", executions.get() / seconds));
        if (fx != null) {
            fx.close();
        }
        if (backend != null) {
            backend.close();
        }
        FINDINGS.failIfFuzzingFoundAny("dyno-to-router responses");
    }

    // libFuzzer's dictionary syntax: CR is \x0d, LF \x0a.
    @FuzzTest(maxDuration = "30s")
    @DictionaryEntries({"\\x0d\\x0a", "\\x0d\\x0a\\x0d\\x0a", "HTTP/1.1 ", "HTTP/1.0 ", "200 OK", "101 ", "204 ", "304 ",
            "Content-Length: ", "Transfer-Encoding: chunked\\x0d\\x0a", "0\\x0d\\x0a\\x0d\\x0a", "Connection: close",
            "Connection: Upgrade", "Upgrade: websocket", "Sec-WebSocket-Accept: ", "#U\\x0a", "#H\\x0a", "#C\\x0a"})
    void canariesGetTheirOwnAnswers(byte[] input) throws Exception {
        // Jazzer's SSRF detector flags every connection unless allowed: allow loopback only.
        try (SilentCloseable loopback = Loopback.allow()) {
            iterate(input);
        }
    }

    private static void iterate(byte[] input) throws Exception {
        ResponseInput response = ResponseInput.decode(input);
        String id = Long.toString(executions.incrementAndGet());
        backend.script(new ScriptedBackend.Script(response.response, response.closeAfter));
        boolean upgrade = response.ask == ResponseInput.Ask.UPGRADE;
        String sameRequest = response.request(id)
                + (upgrade ? "" : "GET /canary/" + id + "a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        String freshRequest = "GET /canary/" + id + "b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        String dyno = dynos.add();
        Client.Outcome same;
        Client.Outcome fresh;
        try {
            same = Client.converse(fx.router.port(), sameRequest.getBytes(StandardCharsets.ISO_8859_1), (raw, quiet) -> {
                Result framed = ClientFraming.frame(raw, ResponseOracle.methods(response), false, upgrade, false);
                return framed.error() != null || framed.tunnel() || (upgrade && framed.finals() >= 1);
            }, BOUND_MILLIS);
            fresh = Client.converse(fx.router.port(), freshRequest.getBytes(StandardCharsets.ISO_8859_1),
                    (raw, quiet) -> ClientFraming.frame(raw, List.of("GET"), false, false, false).error() != null,
                    BOUND_MILLIS);
        } finally {
            if (!dynos.remove(dyno)) {
                throw FINDINGS.record(new AssertionError("the router kept a connection to a removed dyno open; input \""
                        + Escape.of(input) + "\""));
            }
        }
        new ResponseOracle(input, response, id, same, fresh).check();
    }
}
