package dyno.router.desync;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.RouterFixture;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Runs the whole differential desync corpus (see {@link Corpus}) against the router in front of
 * {@link CorpusBackend}, prints the table, and fails on every case that is ambiguous, poisoned or
 * hung. One event loop, so the canary on a fresh connection borrows the same pooled dyno connection
 * as the case before it.
 */
@Tag("reliability")
class DesyncCorpusTest {

    @Test
    @Timeout(value = 150, unit = TimeUnit.SECONDS)
    void noCaseIsAmbiguousPoisonedOrHung() throws Exception {
        List<DesyncCase> corpus = Corpus.load();
        List<Verdict> verdicts;
        try (CorpusBackend backend = CorpusBackend.start(0, corpus);
                RouterFixture fx = new RouterFixture(b -> b.threads(1))) {
            fx.router.registry().add("web.1", backend.address());
            verdicts = new DesyncRunner(backend, fx.router.port(), "junit").runAll(corpus);
        }
        System.out.println(DesyncTable.render(corpus, Map.of("dyno", verdicts), true));
        List<Verdict> unsafe = verdicts.stream().filter(v -> v.outcome().unsafe()).toList();
        assertThat(unsafe.size())
                .as("%d of %d desync cases are unsafe on Dyno's router:%n%s", unsafe.size(), verdicts.size(),
                        unsafe.stream()
                                .map(v -> "  " + v.desyncCase().id() + " " + v.outcome().label() + " ("
                                        + v.desyncCase().description() + "; " + v.desyncCase().source() + "): " + v.reason())
                                .collect(Collectors.joining("\n")))
                .isZero();
    }
}
