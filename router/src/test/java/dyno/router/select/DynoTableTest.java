package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dyno.router.AdminState;
import dyno.router.BackendStatus;
import dyno.router.RouterListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DynoTableTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger wakes = new AtomicInteger();
    private final DynoTable table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofMillis(200), 10,
            new RouterListener() {
                @Override
                public void wakeRequested() {
                    wakes.incrementAndGet();
                }
            });
    private final WaitingRoom room = table.waitingRoom();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private static InetSocketAddress addr(int port) {
        return new InetSocketAddress("127.0.0.1", port);
    }

    @Test
    void publishesOnlyUpHealthyDynosButCountsAllRegistered() {
        table.add("web.1", addr(1));
        table.add("web.2", addr(2));
        table.markDown("web.1");
        Snapshot s = table.snapshot();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.get(0).name()).isEqualTo("web.2");
        assertThat(s.registered()).isEqualTo(2);
        table.markDown("web.2");
        assertThat(table.snapshot().isEmpty()).isTrue();
        assertThat(table.snapshot().registered()).isEqualTo(2);
    }

    @Test
    void refusesADuplicateName() {
        table.add("web.1", addr(1));
        assertThatThrownBy(() -> table.add("web.1", addr(2)))
                .hasMessage("name: web.1 (expected: a name not registered yet)");
    }

    @Test
    void completesDrainWhenTheLastInFlightRequestEnds() {
        table.add("web.1", addr(1));
        Dyno d = table.snapshot().get(0);
        assertThat(table.acquire(d)).isTrue();
        CompletableFuture<Void> drained = table.remove("web.1", Duration.ofSeconds(30));
        assertThat(table.snapshot().registered()).isZero();
        assertThat(table.acquire(d)).isFalse();
        assertThat(drained).isNotDone();
        assertThat(table.inFlight("web.1")).isEqualTo(1);
        table.release(d);
        assertThat(drained).isCompleted();
        assertThat(d.removed()).isTrue();
        assertThat(table.names()).isEmpty();
    }

    @Test
    void replaceSendsNewRequestsToTheNewAddressWhileTheOldOneDrains() {
        table.add("web.1", addr(1));
        table.add("web.2", addr(2));
        Dyno old = table.snapshot().get(0);
        assertThat(table.acquire(old)).isTrue();
        CompletableFuture<Void> drained = table.replace("web.1", addr(3), Duration.ofSeconds(30));
        assertThat(table.names()).containsExactly("web.1", "web.2"); // same name, same place
        assertThat(table.snapshot().get(0).address()).isEqualTo(addr(3));
        assertThat(table.snapshot().registered()).isEqualTo(2);
        assertThat(table.acquire(old)).isFalse(); // nothing new reaches the old address
        assertThat(drained).isNotDone();
        assertThat(table.inFlight("web.1")).isEqualTo(1);
        table.release(old);
        assertThat(drained).isCompleted();
        assertThat(old.removed()).isTrue();
        assertThat(table.snapshot().get(0).removed()).isFalse();
        assertThat(table.all()).hasSize(2);
    }

    @Test
    void replaceKeepsTheUpFlagAndRegistersAnUnknownName() {
        table.add("web.1", addr(1));
        table.markDown("web.1");
        assertThat(table.replace("web.1", addr(2), Duration.ZERO)).isCompleted();
        assertThat(table.snapshot().isEmpty()).isTrue(); // still down: a crashed dyno stays H10
        assertThat(table.snapshot().registered()).isEqualTo(1);
        assertThat(table.replace("web.2", addr(3), Duration.ZERO)).isCompleted();
        assertThat(table.snapshot().size()).isEqualTo(1);
        assertThat(table.names()).containsExactly("web.1", "web.2");
    }

    @Test
    void replaceReleasesRequestsHeldWhileNoDynoWasUp() {
        table.hold(true);
        CompletableFuture<Void> released = new CompletableFuture<>();
        assertThat(room.tryHold(() -> released.complete(null))).isEqualTo(WaitingRoom.HoldResult.HELD);
        table.replace("web.1", addr(1), Duration.ZERO);
        assertThat(released).isCompleted();
    }

    @Test
    void completesDrainAtTheDeadlineWhenRequestsHang() {
        table.add("web.1", addr(1));
        Dyno d = table.snapshot().get(0);
        table.acquire(d);
        CompletableFuture<Void> drained = table.remove("web.1", Duration.ofMillis(100));
        drained.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(d.removed()).isTrue();
    }

    @Test
    void quarantinesForTheConfiguredTimeThenReadmits() throws InterruptedException {
        table.add("web.1", addr(1));
        Dyno d = table.snapshot().get(0);
        table.quarantine(d);
        assertThat(table.snapshot().isEmpty()).isTrue();
        for (int i = 0; i < 100 && table.snapshot().isEmpty(); i++) {
            Thread.sleep(20);
        }
        assertThat(table.snapshot().size()).isEqualTo(1);
    }

    @Test
    void wakesOnceAndReleasesHeldRequestsWhenADynoArrives() {
        table.hold(true);
        AtomicInteger released = new AtomicInteger();
        assertThat(room.tryHold(released::incrementAndGet)).isEqualTo(WaitingRoom.HoldResult.HELD);
        assertThat(room.tryHold(released::incrementAndGet)).isEqualTo(WaitingRoom.HoldResult.HELD);
        assertThat(wakes).hasValue(1);
        table.add("web.1", addr(1));
        assertThat(released).hasValue(2);
        assertThat(table.held()).isZero();
        assertThat(room.tryHold(released::incrementAndGet)).isEqualTo(WaitingRoom.HoldResult.DYNO_AVAILABLE);
    }

    @Test
    void doesNotHoldWhenHoldingIsOff() {
        assertThat(room.tryHold(() -> { })).isEqualTo(WaitingRoom.HoldResult.NOT_HOLDING);
        assertThat(wakes).hasValue(0);
    }

    @Test
    void weightZeroGetsNoNewRequestsWhileItsInFlightOnesFinish() {
        table.add("web.1", addr(1));
        table.add("web.2", addr(2), 3);
        Dyno one = table.snapshot().get(0);
        assertThat(table.acquire(one)).isTrue();
        table.weight("web.1", 0);
        Snapshot s = table.snapshot();
        for (int i = 0; i < 20; i++) {
            assertThat(table.select(s).name()).isEqualTo("web.2");
        }
        assertThat(one.removed()).isFalse(); // still registered, its request still counted
        assertThat(table.inFlight("web.1")).isEqualTo(1);
        table.release(one);
        assertThat(table.inFlight("web.1")).isZero();
        assertThat(table.names()).containsExactly("web.1", "web.2");
        table.weight("web.1", 2);
        assertThat(table.snapshot().size()).isEqualTo(2);
        assertThat(table.snapshot().get(0).weight()).isEqualTo(2);
    }

    @Test
    void everyWeightZeroIsLikeNoDynoUp() {
        table.add("web.1", addr(1), 0);
        table.add("web.2", addr(2));
        table.weight("web.2", 0);
        assertThat(table.snapshot().isEmpty()).isTrue();
        assertThat(table.snapshot().registered()).isEqualTo(2); // H10 (or held), as when all are down
        table.hold(true);
        CompletableFuture<Void> released = new CompletableFuture<>();
        assertThat(room.tryHold(() -> released.complete(null))).isEqualTo(WaitingRoom.HoldResult.HELD);
        table.weight("web.1", 1);
        assertThat(released).isCompleted();
    }

    @Test
    void replaceKeepsTheWeight() {
        table.add("web.1", addr(1), 5);
        table.replace("web.1", addr(2), Duration.ZERO);
        assertThat(table.snapshot().get(0).weight()).isEqualTo(5);
        assertThat(table.snapshot().get(0).address()).isEqualTo(addr(2));
    }

    @Test
    void refusesAWeightOutOfRangeAndIgnoresAnUnknownName() {
        assertThatThrownBy(() -> table.add("web.1", addr(1), 257)).hasMessage("weight: 257 (expected: 0..256)");
        assertThat(table.names()).isEmpty();
        table.add("web.1", addr(1));
        assertThatThrownBy(() -> table.weight("web.1", -1)).hasMessage("weight: -1 (expected: 0..256)");
        table.weight("web.9", 3);
        assertThat(table.names()).containsExactly("web.1");
    }

    @Test
    void drainKeepsTheDynoAndItsWeightAndCompletesWhenItsLastRequestEnds() {
        table.add("web.1", addr(1), 3);
        table.add("web.2", addr(2));
        Dyno one = table.snapshot().get(0);
        assertThat(table.acquire(one)).isTrue();
        CompletableFuture<Void> drained = table.drain("web.1", Duration.ofSeconds(30));
        assertThat(table.snapshot().size()).isEqualTo(1);
        assertThat(table.snapshot().get(0).name()).isEqualTo("web.2");
        assertThat(table.acquire(one)).isFalse(); // a request that picked it from an older snapshot goes elsewhere
        assertThat(drained).isNotDone();
        assertThat(table.status()).containsExactly(
                new BackendStatus("web.1", addr(1), 3, AdminState.DRAIN, true, 1),
                new BackendStatus("web.2", addr(2), 1, AdminState.READY, true, 0));
        table.release(one);
        assertThat(drained).isCompleted();
        assertThat(one.removed()).isFalse();
        assertThat(table.names()).containsExactly("web.1", "web.2");
        table.markUp("web.1");
        assertThat(table.snapshot().size()).isEqualTo(2);
        assertThat(table.snapshot().get(0).weight()).isEqualTo(3);
        assertThat(table.status().get(0).admin()).isEqualTo(AdminState.READY);
    }

    @Test
    void drainCompletesAtOnceWhenIdleOrUnknownAndAtTheDeadlineWhenRequestsHang() {
        table.add("web.1", addr(1));
        table.add("web.2", addr(2));
        assertThat(table.drain("web.1", Duration.ofSeconds(30))).isCompleted();
        assertThat(table.drain("web.9", Duration.ofSeconds(30))).isCompleted();
        Dyno two = table.snapshot().get(0);
        table.acquire(two);
        CompletableFuture<Void> drained = table.drain("web.2", Duration.ofMillis(100));
        drained.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(table.status().get(1).inFlight()).isEqualTo(1); // still counted, still drained
        assertThat(table.status().get(1).admin()).isEqualTo(AdminState.DRAIN);
    }

    @Test
    void markUpBeforeTheDrainEndsCancelsItsFuture() {
        table.add("web.1", addr(1));
        Dyno d = table.snapshot().get(0);
        table.acquire(d);
        CompletableFuture<Void> drained = table.drain("web.1", Duration.ofSeconds(30));
        table.markUp("web.1");
        assertThat(drained).isCancelled();
        assertThatThrownBy(drained::join).isInstanceOf(CancellationException.class)
                .hasMessage("web.1 was set ready before it drained");
        assertThat(table.acquire(d)).isTrue();
    }

    @Test
    void removingADrainedDynoCompletesItsDrain() {
        table.add("web.1", addr(1));
        Dyno d = table.snapshot().get(0);
        table.acquire(d);
        CompletableFuture<Void> drained = table.drain("web.1", Duration.ofSeconds(30));
        table.remove("web.1", Duration.ZERO);
        drained.orTimeout(5, TimeUnit.SECONDS).join();
        assertThat(table.names()).isEmpty();
    }

    @Test
    void maintenanceAndDrainAreLikeNoDynoUpAndReadyRestoresTraffic() {
        table.add("web.1", addr(1), 2);
        table.add("web.2", addr(2));
        table.markDown("web.1");
        table.drain("web.2", Duration.ZERO);
        assertThat(table.snapshot().isEmpty()).isTrue();
        assertThat(table.snapshot().registered()).isEqualTo(2); // H10 (or held), not H14
        assertThat(table.status()).extracting(BackendStatus::admin).containsExactly(AdminState.MAINT, AdminState.DRAIN);
        table.hold(true);
        CompletableFuture<Void> released = new CompletableFuture<>();
        assertThat(room.tryHold(() -> released.complete(null))).isEqualTo(WaitingRoom.HoldResult.HELD);
        table.markUp("web.1");
        assertThat(released).isCompleted();
        assertThat(table.snapshot().size()).isEqualTo(1);
        assertThat(table.snapshot().get(0).weight()).isEqualTo(2);
        table.drain("web.1", Duration.ZERO); // from maintenance to drain and back
        table.markUp("web.1");
        table.markUp("web.2");
        assertThat(table.status()).extracting(BackendStatus::admin).containsOnly(AdminState.READY);
        assertThat(table.snapshot().size()).isEqualTo(2);
    }

    @Test
    void statusReportsHealthAndCountsRequestsStillFinishingAtAReplacedAddress() {
        table.add("web.1", addr(1));
        table.add("web.2", addr(2));
        Dyno old = table.snapshot().get(0);
        table.acquire(old);
        table.drain("web.1", Duration.ofSeconds(30));
        table.replace("web.1", addr(3), Duration.ofSeconds(30));
        table.setHealthy(table.snapshot().get(0), false);
        assertThat(table.status()).containsExactly(
                new BackendStatus("web.1", addr(3), 1, AdminState.DRAIN, true, 1), // the admin state carries over
                new BackendStatus("web.2", addr(2), 1, AdminState.READY, false, 0));
        table.release(old);
        assertThat(table.status().get(0).inFlight()).isZero();
    }
}
