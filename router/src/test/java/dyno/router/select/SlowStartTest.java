package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.RouterListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** HAProxy's slowstart: a dyno's share ramps from almost nothing to its weight, on a fake clock. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class SlowStartTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DynoTable table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofMillis(200), 10,
            RouterListener.NONE);
    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static InetSocketAddress addr(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    /** Picks of one whole weighted period, by dyno name. */
    private Map<String, Integer> shares() {
        Snapshot s = table.snapshot();
        Map<String, Integer> picks = new HashMap<>();
        for (int i = 0; i < s.cycleLength(); i++) {
            picks.merge(s.get(s.atStep(i)).name(), 1, Integer::sum);
        }
        return picks;
    }

    private void at(long seconds) {
        now.set(1_000_000_000L + TimeUnit.SECONDS.toNanos(seconds));
        table.slowStart(Duration.ofSeconds(16)); // publishes a snapshot at the clock's time
    }

    @Test
    void aNewDynosShareGrowsLinearlyOverThePeriod() {
        table.nanoClock(now::get);
        table.slowStart(Duration.ofSeconds(16));
        table.add("web.1", addr(1));
        at(100); // web.1's ramp is long over
        table.add("web.2", addr(2)); // at 100 s
        assertThat(shares()).containsEntry("web.1", 16).containsEntry("web.2", 1);
        at(104);
        assertThat(shares()).containsEntry("web.1", 4).containsEntry("web.2", 1); // 16 : 4
        at(108);
        assertThat(shares()).containsEntry("web.1", 2).containsEntry("web.2", 1); // 16 : 8
        at(116);
        assertThat(shares()).containsEntry("web.1", 1).containsEntry("web.2", 1); // plain weights again
    }

    @Test
    void rampsAgainWhenADynoComesBackAndRespectsWeights() {
        table.nanoClock(now::get);
        table.slowStart(Duration.ofSeconds(16));
        table.add("web.1", addr(1), 3);
        table.add("web.2", addr(2), 1);
        at(100);
        assertThat(shares()).containsEntry("web.1", 3).containsEntry("web.2", 1);
        table.markDown("web.1");
        at(200);
        table.markUp("web.1"); // back at 200 s: ramps from 1 unit to 3 x 16 against web.2's 16
        assertThat(shares()).containsEntry("web.1", 1).containsEntry("web.2", 16);
        at(208);
        assertThat(shares()).containsEntry("web.1", 3).containsEntry("web.2", 2); // 24 : 16
        at(216);
        assertThat(shares()).containsEntry("web.1", 3).containsEntry("web.2", 1);
    }

    @Test
    void withoutSlowStartANewDynoGetsItsShareAtOnce() {
        table.nanoClock(now::get);
        table.add("web.1", addr(1));
        now.addAndGet(TimeUnit.SECONDS.toNanos(100));
        table.add("web.2", addr(2));
        assertThat(shares()).containsEntry("web.1", 1).containsEntry("web.2", 1);
    }

    @Test
    void theRampAdvancesByItselfOnTheRealClock() {
        table.slowStart(Duration.ofMillis(800));
        table.add("web.1", addr(1));
        table.add("web.2", addr(2));
        // both ramp together, so they are equal throughout; once over, the snapshot holds plain weights
        await().atMost(Duration.ofSeconds(10)).until(() -> table.snapshot().cycleLength() == 2);
        assertThat(shares()).containsEntry("web.1", 1).containsEntry("web.2", 1);
    }
}
