package dyno.runtime.manager;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OutputLimiterTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final Clock clock = Clock.systemUTC();

    @Test
    void letsABurstOfOneSecondThroughThenTheRateAndCountsTheRest() {
        OutputLimiter limiter = new OutputLimiter(10, 0);
        int kept = 0;
        for (int i = 0; i < 25; i++) {
            kept += limiter.admit(0, clock) ? 1 : 0;
        }
        assertThat(kept).isEqualTo(10);
        assertThat(limiter.report(500 * MS, 1000 * MS)).isNull(); // not a second since the first drop yet
        assertThat(limiter.admit(100 * MS, clock)).isTrue();     // 100 ms refills one line
        assertThat(limiter.admit(100 * MS, clock)).isFalse();

        OutputLimiter.Dropped dropped = limiter.report(1000 * MS, 1000 * MS);
        assertThat(dropped.count()).isEqualTo(16);
        assertThat(dropped.message()).startsWith("Error L12 (Local buffer overflow) -> 16 messages dropped since ");
        assertThat(limiter.report(5000 * MS, 0)).isNull();
        // a long pause refills at most one second's worth
        kept = 0;
        for (int i = 0; i < 25; i++) {
            kept += limiter.admit(60_000 * MS, clock) ? 1 : 0;
        }
        assertThat(kept).isEqualTo(10);
        assertThat(limiter.report(60_000 * MS, 0).count()).isEqualTo(15);
    }

    @Test
    void zeroMeansNoLimit() {
        OutputLimiter limiter = new OutputLimiter(0, 0);
        for (int i = 0; i < 100_000; i++) {
            assertThat(limiter.admit(0, clock)).isTrue();
        }
        assertThat(limiter.report(0, 0)).isNull();
    }

    @Test
    void splitsLinesAtNewlinesAndLongOnesOnWholeCharacters() throws Exception {
        String euro = "\u20ac"; // 3 bytes in UTF-8
        String input = "a\nb\r\nc\rd\n\n" + "x".repeat(25) + "\n" + "y".repeat(9) + euro + "z\n"
                + "w".repeat(10) + "\r\n" + "v".repeat(20) + "\n\n" + "tail";
        List<String> lines = new ArrayList<>();
        OutputLines.read(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), 10,
                (b, n) -> lines.add(OutputLines.decode(b, n)));
        assertThat(lines).containsExactly("a", "b", "c", "d", "", "xxxxxxxxxx", "xxxxxxxxxx", "xxxxx",
                "yyyyyyyyy", euro + "z", "wwwwwwwwww", "vvvvvvvvvv", "vvvvvvvvvv", "", "tail");
    }
}
