package dyno.runtime.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogBufferTest {
    private static LogLine line(int i, String source, String dyno) {
        return new LogLine(Instant.ofEpochSecond(1_800_000_000L + i), source, dyno, "line " + i);
    }

    @Test
    void keepsTheLastNLines() {
        LogBuffer buffer = new LogBuffer(3);
        for (int i = 1; i <= 5; i++) {
            buffer.accept(line(i, LogLine.APP, "web.1"));
        }
        assertThat(buffer.tail(10, l -> true)).extracting(LogLine::message).containsExactly("line 3", "line 4", "line 5");
        assertThat(buffer.tail(2, l -> true)).extracting(LogLine::message).containsExactly("line 4", "line 5");
        assertThat(buffer.tail(0, l -> true)).isEmpty();
    }

    @Test
    void filtersBeforeTakingTheTail() {
        LogBuffer buffer = new LogBuffer();
        for (int i = 1; i <= 10; i++) {
            buffer.accept(line(i, i % 2 == 0 ? LogLine.DYNO : LogLine.APP, i <= 5 ? "web.1" : "worker.1"));
        }
        assertThat(buffer.tail(2, l -> l.source().equals(LogLine.APP))).extracting(LogLine::message)
                .containsExactly("line 7", "line 9");
        assertThat(buffer.tail(100, l -> l.dyno().equals("web.1"))).hasSize(5);
        assertThat(buffer.tail(100, l -> l.dyno().equals("router"))).isEmpty();
    }

    @Test
    void negativeCountIsRefusedNamingIt() {
        LogBuffer buffer = new LogBuffer(3);
        buffer.accept(line(1, LogLine.APP, "web.1"));
        assertThatThrownBy(() -> buffer.tail(-1, l -> true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-1");
        assertThatThrownBy(() -> new LogBuffer(0)).hasMessageContaining("capacity: 0");
    }

    @Test
    void subscribersSeeNewLinesUntilClosedAndAFailingOneHarmsNoOther() throws Exception {
        LogBuffer buffer = new LogBuffer(10);
        List<String> seen = new ArrayList<>();
        try (AutoCloseable failing = buffer.subscribe(l -> {
            throw new IllegalStateException("client went away");
        })) {
            AutoCloseable sub = buffer.subscribe(l -> seen.add(l.message()));
            buffer.accept(line(1, LogLine.APP, "web.1"));
            sub.close();
            buffer.accept(line(2, LogLine.APP, "web.1"));
        }
        assertThat(seen).containsExactly("line 1");
        assertThat(buffer.tail(10, l -> true)).hasSize(2);
    }

    @Test
    void formatsLikeHeroku() {
        LogLine l = new LogLine(Instant.parse("2026-11-28T10:31:02.123456Z"), LogLine.APP, "web.1", "listening");
        assertThat(l.format()).isEqualTo("2026-11-28T10:31:02.123456+00:00 app[web.1]: listening");
        assertThat(l.tag()).isEqualTo("app[web.1]");
    }
}
