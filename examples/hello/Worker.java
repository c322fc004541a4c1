import java.time.LocalTime;
import java.time.temporal.ChronoUnit;

/** The example worker: logs a line every few seconds until it is stopped. */
public final class Worker {
    public static void main(String[] args) throws InterruptedException {
        String dyno = System.getenv().getOrDefault("DYNO", "worker.local");
        long every = Long.parseLong(System.getenv().getOrDefault("WORKER_INTERVAL_MS", "5000"));
        for (long job = 1; ; job++) {
            System.out.println(dyno + " processed job " + job + " at " + LocalTime.now().truncatedTo(ChronoUnit.SECONDS));
            Thread.sleep(every);
        }
    }
}
