package dyno.router.log;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * A bounded lock-free queue for many producers and one consumer (the algorithm of JCTools'
 * {@code MpscArrayQueue}): a producer claims a slot with one CAS on the producer index and
 * publishes the element with a release store; {@link #offer} never blocks and never signals a
 * waiting thread (the consumer polls), and allocates nothing.
 */
final class MpscRing<E> {
    private final AtomicReferenceArray<E> slots;
    private final int mask;
    private final AtomicLong producerIndex = new AtomicLong();
    /** Producers' cached bound, refreshed from the consumer index only when reached. */
    private volatile long producerLimit;
    private final AtomicLong consumerIndex = new AtomicLong();

    /** A ring of {@code capacity} elements, rounded up to a power of two. */
    MpscRing(int capacity) {
        if (capacity < 1 || capacity > (1 << 30)) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: 1..2^30)");
        }
        int size = Integer.highestOneBit(capacity) == capacity ? capacity : Integer.highestOneBit(capacity) << 1;
        this.slots = new AtomicReferenceArray<>(size);
        this.mask = size - 1;
        this.producerLimit = size;
    }

    int capacity() {
        return mask + 1;
    }

    /** Adds {@code e} unless the ring is full; any thread. */
    boolean offer(E e) {
        requireNonNull(e, "e");
        long p;
        do {
            p = producerIndex.get();
            if (p >= producerLimit) {
                long limit = consumerIndex.get() + mask + 1;
                if (p >= limit) {
                    return false;
                }
                producerLimit = limit;
            }
        } while (!producerIndex.compareAndSet(p, p + 1));
        slots.setRelease((int) p & mask, e);
        return true;
    }

    /** The oldest element, or null when empty; the consumer thread only. */
    E poll() {
        long c = consumerIndex.getPlain();
        int i = (int) c & mask;
        E e = slots.getAcquire(i);
        if (e == null) {
            if (c == producerIndex.get()) {
                return null;
            }
            do { // a producer claimed the slot and is about to fill it
                Thread.onSpinWait();
                e = slots.getAcquire(i);
            } while (e == null);
        }
        slots.setPlain(i, null);
        consumerIndex.setRelease(c + 1); // orders the slot's clearing before producers can reuse it
        return e;
    }

    /** Whether nothing is queued (or being queued). */
    boolean isEmpty() {
        return consumerIndex.get() == producerIndex.get();
    }
}
