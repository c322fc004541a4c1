package dyno.platform.bench;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.LongUnaryOperator;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Drives HTTP load at a loopback target and records latency with HdrHistogram.
 *
 * <p>Closed loop: each of {@code concurrency} workers sends its next request when the previous
 * answer arrives. Open loop: request {@code i} is due at {@code start + i / rate}; a worker takes
 * the next due slot, waits for its time and records latency from that intended time, so a stalled
 * server shows as queueing in the percentiles instead of as fewer samples (no coordinated omission).
 */
public final class LoadGenerator {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();

    /** Requests completed so far in the current phase (for progress lines). */
    public long completed() {
        return sent.get();
    }

    /** Failed requests so far in the current phase. */
    public long errors() {
        return failed.get();
    }

    /** Runs {@code plan} to its end and returns what it measured. */
    public LoadResult run(LoadPlan plan) throws InterruptedException {
        double intervalNanos = plan.openLoop() ? 1e9 / plan.rate() : 0;
        return run(plan, plan.openLoop() ? slot -> (long) (slot * intervalNanos) : null, micros -> { });
    }

    /**
     * Runs {@code plan} with request {@code i} due {@code dueAfterStart(i)} nanoseconds after the start
     * (an open loop of any shape, e.g. a rising rate; null: closed loop), telling {@code latencyMicros}
     * of each completion as it comes.
     */
    public LoadResult run(LoadPlan plan, LongUnaryOperator dueAfterStart, LongConsumer latencyMicros)
            throws InterruptedException {
        sent.set(0);
        failed.set(0);
        Recorder recorder = new Recorder(3_600_000_000L, 3);
        List<HttpRequest> requests = plan.mix().requests(plan.target(), Duration.ofSeconds(60));
        AtomicLong numbers = new AtomicLong();
        LongFunction<HttpRequest> request = n -> requests.get(plan.mix().pathIndex(n));
        long start = System.nanoTime();
        long end = start + plan.duration().toNanos();
        AtomicLong slots = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < plan.concurrency(); i++) {
            LongSupplier nextDue = dueAfterStart != null
                    ? () -> start + dueAfterStart.applyAsLong(slots.getAndIncrement())
                    : System::nanoTime;
            Thread t = new Thread(() -> work(request, numbers, nextDue, end, recorder, latencyMicros), "bench-" + i);
            t.setDaemon(true);
            workers.add(t);
            t.start();
        }
        long joinDeadline = end + Duration.ofSeconds(65).toNanos();
        for (Thread t : workers) {
            t.join(Math.max(1, (joinDeadline - System.nanoTime()) / 1_000_000));
        }
        workers.forEach(Thread::interrupt);
        // requests in flight at the end still count, so the time runs until the last one finished
        double seconds = (System.nanoTime() - start) / 1e9;
        Histogram h = recorder.getIntervalHistogram();
        return new LoadResult(sent.get(), failed.get(), seconds, h);
    }

    private void work(LongFunction<HttpRequest> request, AtomicLong numbers, LongSupplier nextDue, long end,
                      Recorder recorder, LongConsumer latencyMicros) {
        while (!Thread.currentThread().isInterrupted()) {
            long due = nextDue.getAsLong();
            if (due >= end) {
                return;
            }
            long wait;
            while ((wait = due - System.nanoTime()) > 0) {
                LockSupport.parkNanos(wait);
            }
            boolean ok;
            try {
                HttpResponse<Void> res = http.send(request.apply(numbers.getAndIncrement()), HttpResponse.BodyHandlers.discarding());
                ok = res.statusCode() < 500;
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                ok = false;
            }
            long micros = Math.max(1, (System.nanoTime() - due) / 1000);
            recorder.recordValue(micros);
            latencyMicros.accept(micros);
            sent.incrementAndGet();
            if (!ok) {
                failed.incrementAndGet();
            }
        }
    }
}
