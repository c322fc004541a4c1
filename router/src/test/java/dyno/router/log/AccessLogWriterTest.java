package dyno.router.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogWriterTest {

    /** Collects what is written; the first write blocks until {@link #release()}; counts write calls. */
    static final class Output extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final CountDownLatch firstWriteEntered = new CountDownLatch(1);
        private final CountDownLatch released;
        final AtomicInteger writes = new AtomicInteger();
        /** Writes that fail with ENOSPC's message before writing works. */
        final AtomicInteger failuresLeft = new AtomicInteger();

        Output(boolean blockFirstWrite) {
            released = new CountDownLatch(blockFirstWrite ? 1 : 0);
        }

        void release() {
            released.countDown();
        }

        @Override
        public void write(int b) {
            throw new AssertionError("one byte at a time");
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            firstWriteEntered.countDown();
            try {
                released.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            writes.incrementAndGet();
            if (failuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IOException("No space left on device");
            }
            synchronized (this) {
                bytes.write(b, off, len);
            }
        }

        synchronized List<String> lines() {
            String s = bytes.toString(StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : List.of(s.split("\n", -1)).subList(0, s.split("\n", -1).length - 1);
        }
    }

    private static AccessRecord record(int i) {
        return new AccessRecord(0, null, null, "GET", "/r/" + i, "localhost", "rid", "127.0.0.1", "web.1", 0, 1, 200, 5,
                "HTTP/1.1", 0);
    }

    @Test
    void writesManyLinesPerWriteCall() {
        Output out = new Output(true);
        AccessLogWriter log = new AccessLogWriter(out, "test", AccessLogFormat.HEROKU, 16_384);
        log.log(record(0));
        await().until(() -> out.firstWriteEntered.getCount() == 0); // the writer is in its first write
        for (int i = 1; i <= 5000; i++) {
            log.log(record(i));
        }
        out.release();
        log.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(5001);
        assertThat(lines.get(5000)).contains("path=\"/r/5000\"");
        assertThat(log.written()).isEqualTo(5001);
        // 5000 lines of ~150 bytes in 64 KiB writes: a dozen calls, not 5000
        assertThat(out.writes.get()).isLessThanOrEqualTo(30);
        assertThat(log.dropped()).isZero();
    }

    @Test
    void countsRecordsDroppedWhenTheQueueIsFullAndReportsThemAsL10() {
        Output out = new Output(true);
        AccessLogWriter log = new AccessLogWriter(out, "test", AccessLogFormat.HEROKU, 4);
        log.log(record(0));
        await().until(() -> out.firstWriteEntered.getCount() == 0); // the output is stuck: nothing drains
        for (int i = 1; i <= 100; i++) {
            log.log(record(i));
        }
        assertThat(log.dropped()).isEqualTo(96);
        out.release();
        await().untilAsserted(() -> assertThat(out.lines())
                .contains("at=error code=L10 desc=\"Drain buffer overflow\" count=96"));
        log.close();
        List<String> lines = out.lines();
        assertThat(lines).hasSize(6);
        assertThat(lines.subList(0, 5)).allMatch(l -> l.startsWith("at=info"));
        assertThat(lines.get(4)).contains("path=\"/r/4\"");
    }

    @Test
    void reportsDropsNotYetReportedWhenClosed() {
        Output out = new Output(true);
        AccessLogWriter log = new AccessLogWriter(out, "test", AccessLogFormat.JSON, 2);
        log.log(record(0));
        await().until(() -> out.firstWriteEntered.getCount() == 0);
        for (int i = 1; i <= 10; i++) {
            log.log(record(i));
        }
        out.release();
        log.close();
        assertThat(out.lines()).contains("{\"at\":\"error\",\"code\":\"L10\",\"desc\":\"Drain buffer overflow\",\"count\":8}");
    }

    @Test
    void survivesFailedWritesAndWritesAgainOnceTheyWork() {
        Output out = new Output(false);
        out.failuresLeft.set(1);
        AccessLogWriter log = new AccessLogWriter(out, "test", AccessLogFormat.HEROKU, 1024);
        log.log(record(0));
        await().until(() -> log.unwritten() == 1); // ENOSPC: reported once (SLF4J), the line counted
        AtomicInteger next = new AtomicInteger(1);
        await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            log.log(record(next.getAndIncrement()));
            assertThat(out.lines()).isNotEmpty();
        });
        log.close();
        assertThat(out.lines()).allMatch(l -> l.startsWith("at=info"));
        assertThat(log.written() + log.unwritten()).isEqualTo(next.get());
    }

    @Test
    void closeWritesEveryRecordQueuedBeforeIt() {
        Output out = new Output(false);
        AccessLogWriter log = new AccessLogWriter(out, "test", AccessLogFormat.CLF, 16_384);
        for (int i = 0; i < 3000; i++) {
            log.log(record(i));
        }
        log.close();
        assertThat(out.lines()).hasSize(3000);
        assertThat(out.lines().get(2999)).contains("\"GET /r/2999 HTTP/1.1\" 200 5");
    }
}
