package dyno.platform.daemon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class LogPipeTest {
    private static final Pattern L10 = Pattern.compile(
            "Error L10 \\(output buffer overflow\\): (\\d+) messages dropped since \\d{4}-\\d\\d-\\d\\dT[0-9:.]+\\+00:00");

    @TempDir
    Path dir;

    @Test
    void aFullQueueDropsLinesAndThenSaysHowManyOnce() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        LogBuffer history = new LogBuffer();
        Path file = dir.resolve("log");
        try (LogPipe pipe = new LogPipe(history, file, line -> {
            try {
                release.await(10, TimeUnit.SECONDS); // a console that stalls the writer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        })) {
            int sent = 20_000; // more than the 16384-line queue holds
            for (int i = 0; i < sent; i++) {
                pipe.offer(new LogLine(Instant.now(), LogLine.APP, "web.1", "line " + i));
            }
            assertThat(pipe.dropped()).isPositive();
            long dropped = pipe.dropped();
            release.countDown();
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    history.tail(5, l -> l.dyno().equals("logplex")).size() == 1);

            List<LogLine> notices = history.tail(5, l -> l.dyno().equals("logplex"));
            assertThat(notices.get(0).source()).isEqualTo(LogLine.DYNO);
            Matcher m = L10.matcher(notices.get(0).message());
            assertThat(m.matches()).as(notices.get(0).message()).isTrue();
            assertThat(Long.parseLong(m.group(1))).isEqualTo(dropped);

            pipe.offer(new LogLine(Instant.now(), LogLine.APP, "web.1", "after"));
            await().atMost(Duration.ofSeconds(5)).until(() -> history.tail(1, l -> true).get(0).message().equals("after"));
            assertThat(history.tail(10, l -> l.dyno().equals("logplex"))).hasSize(1); // nothing new dropped
        }
        assertThat(Files.readString(file)).contains("dyno[logplex]: Error L10");
    }
}
