package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.RouterListener;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The queue side of the waiting room, through the table it waits on (holding: {@link DynoTableTest}). */
@Timeout(value = 10, unit = TimeUnit.SECONDS)
class WaitingRoomTest {
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final DynoTable table = new DynoTable(new RoundRobinStrategy(), scheduler, Duration.ofMillis(200), 2,
            RouterListener.NONE);
    private final WaitingRoom room = table.waitingRoom();

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A queued request that records what it was assigned ("null" to route again). */
    private static final class Recorded implements WaitingRoom.Queued {
        final List<String> assigned = new ArrayList<>();

        @Override
        public void assign(Dyno dynoOrNull) {
            assigned.add(dynoOrNull == null ? "null" : dynoOrNull.name());
        }
    }

    private Dyno fullDyno(String name) {
        table.add(name, new InetSocketAddress("127.0.0.1", 1));
        Dyno d = table.snapshot().find(name);
        assertThat(table.acquire(d)).isTrue();
        return d;
    }

    @Test
    void drainingADynoLosesNoQueuedRequest() {
        fullDyno("web.1");
        Dyno web2 = fullDyno("web.2");
        Recorded queued = new Recorded();
        assertThat(room.tryQueue(queued, 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);

        table.drain("web.1", Duration.ofSeconds(5));
        // taken out of the queue by the drain's new snapshot, it is told to route again (and queues anew
        // there, every dyno being full), never dropped
        assertThat(queued.assigned).containsExactly("null");
        assertThat(room.tryQueue(queued, 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);
        table.release(web2);
        assertThat(queued.assigned).containsExactly("null", "web.2");
    }

    @Test
    void findsRoomInsteadOfQueueingWhenADynoHasRoom() {
        fullDyno("web.1");
        assertThat(room.tryQueue(new Recorded(), 2)).isEqualTo(WaitingRoom.QueueResult.ROOM);
        assertThat(table.queued()).isZero();
        assertThat(room.anyWaiting()).isFalse();
    }

    @Test
    void aRequestThatEndsHandsItsPlaceToTheOldestQueued() {
        Dyno d = fullDyno("web.1");
        Recorded first = new Recorded();
        Recorded second = new Recorded();
        assertThat(room.tryQueue(first, 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);
        assertThat(room.tryQueue(second, 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);
        assertThat(table.queued()).isEqualTo(2);

        table.release(d);
        assertThat(first.assigned).containsExactly("web.1");
        assertThat(second.assigned).isEmpty();
        assertThat(d.inFlight()).isEqualTo(1); // the place passed on: never free for a newcomer
        assertThat(table.appInFlight()).isEqualTo(1);
        assertThat(table.queued()).isEqualTo(1);
    }

    @Test
    void aFullQueueRefusesAndAWithdrawnRequestIsHandedNothing() {
        Dyno d = fullDyno("web.1");
        Recorded first = new Recorded();
        assertThat(room.tryQueue(first, 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);
        assertThat(room.tryQueue(new Recorded(), 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);
        assertThat(room.tryQueue(new Recorded(), 1)).isEqualTo(WaitingRoom.QueueResult.FULL);

        room.cancelQueue(first);
        assertThat(table.queued()).isEqualTo(1);
        table.release(d);
        assertThat(first.assigned).isEmpty();
    }

    @Test
    void aDynoClosedToNewRequestsIsNotHandedOnButItsQueuedRequestRoutesAgain() {
        Dyno d = fullDyno("web.1");
        fullDyno("web.2");
        Recorded queued = new Recorded();
        assertThat(room.tryQueue(queued, 1)).isEqualTo(WaitingRoom.QueueResult.QUEUED);
        table.remove("web.1", Duration.ofSeconds(5)); // closed to new requests, leaves once idle

        table.release(d);
        assertThat(queued.assigned).containsExactly("null");
        assertThat(d.inFlight()).isZero();
        assertThat(table.appInFlight()).isEqualTo(1);
        assertThat(room.anyWaiting()).isFalse();
        assertThat(d.removed()).isTrue();
    }

    @Test
    void aDynoAddedReleasesEveryQueuedRequestToRouteAgain() {
        fullDyno("web.1");
        Recorded first = new Recorded();
        Recorded second = new Recorded();
        room.tryQueue(first, 1);
        room.tryQueue(second, 1);

        table.add("web.2", new InetSocketAddress("127.0.0.1", 2));
        assertThat(first.assigned).containsExactly("null");
        assertThat(second.assigned).containsExactly("null");
        assertThat(table.queued()).isZero();
        assertThat(room.anyWaiting()).isFalse();
    }
}
