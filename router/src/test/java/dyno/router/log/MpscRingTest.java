package dyno.router.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class MpscRingTest {

    @Test
    void holdsItsCapacityRoundedUpAndRefusesMore() {
        MpscRing<Integer> ring = new MpscRing<>(3);
        assertThat(ring.capacity()).isEqualTo(4);
        for (int i = 0; i < 4; i++) {
            assertThat(ring.offer(i)).isTrue();
        }
        assertThat(ring.offer(4)).isFalse();
        assertThat(ring.poll()).isZero();
        assertThat(ring.offer(5)).isTrue();
        assertThat(List.of(ring.poll(), ring.poll(), ring.poll(), ring.poll())).containsExactly(1, 2, 3, 5);
        assertThat(ring.poll()).isNull();
        assertThat(ring.isEmpty()).isTrue();
    }

    @Test
    void deliversEveryElementOfManyProducersOnceAndInEachProducersOrder() throws Exception {
        int producers = 4;
        int each = 200_000;
        MpscRing<long[]> ring = new MpscRing<>(256);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                for (int i = 0; i < each; i++) {
                    long[] e = {id, i};
                    while (!ring.offer(e)) {
                        Thread.onSpinWait();
                    }
                }
            });
            threads.add(t);
            t.start();
        }
        long[] next = new long[producers];
        long received = 0;
        while (received < (long) producers * each) {
            long[] e = ring.poll();
            if (e == null) {
                Thread.onSpinWait();
                continue;
            }
            assertThat(e[1]).isEqualTo(next[(int) e[0]]);
            next[(int) e[0]]++;
            received++;
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ring.poll()).isNull();
        assertThat(next).containsOnly(each);
    }
}
