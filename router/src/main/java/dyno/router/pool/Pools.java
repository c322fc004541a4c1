package dyno.router.pool;

import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One {@link LoopPool} per event loop; closes a dyno's idle connections on every loop when it leaves. */
public final class Pools implements DynoTable.Membership {
    private static final Logger logger = LoggerFactory.getLogger(Pools.class);
    private final Map<EventExecutor, LoopPool> byLoop = new IdentityHashMap<>();

    /**
     * Pools whose connections stay at most {@code keepAlive} unused, at most {@code maxIdlePerDyno} idle
     * per (dyno, event loop). The router passes its in-flight limit per dyno: a dyno is never sent more
     * requests at once than that, so no more connections to it can be needed again, and a burst up to it
     * finds them all open when it comes back (HAProxy keeps every idle connection until its purge delay).
     */
    public Pools(EventLoopGroup group, Bootstrap template, BiFunction<Dyno, LoopPool, ChannelHandler> initializer,
                 Duration keepAlive, int maxIdlePerDyno) {
        for (EventExecutor executor : group) {
            byLoop.put(executor, new LoopPool((EventLoop) executor, template, maxIdlePerDyno, initializer,
                    keepAlive));
        }
    }

    /**
     * New pool settings, applied by a task on every loop; returns once every loop ran it, so that
     * whatever the caller published before is seen by every loop afterwards. Never call it on one of
     * the loops.
     */
    public void reconfigure(Duration keepAlive, Duration connectTimeout, int maxIdlePerDyno,
                            BiFunction<Dyno, LoopPool, ChannelHandler> initializer) {
        List<Future<?>> applied = new ArrayList<>(byLoop.size());
        for (LoopPool pool : byLoop.values()) {
            applied.add(pool.loop().submit(() -> pool.reconfigure(keepAlive, connectTimeout, maxIdlePerDyno,
                    initializer)));
        }
        for (Future<?> f : applied) {
            if (!f.awaitUninterruptibly(10, TimeUnit.SECONDS)) {
                logger.warn("An event loop did not take new pool settings within 10 s (is it blocked?)");
            }
        }
    }

    /** The pool of the loop the caller runs on; null for a loop outside the router's group (tests). */
    public LoopPool forLoop(EventLoop loop) {
        return byLoop.get(loop);
    }

    @Override
    public void added(Dyno dyno) {
    }

    @Override
    public void removed(Dyno dyno) {
        for (LoopPool pool : byLoop.values()) {
            pool.loop().execute(() -> pool.evict(dyno));
        }
    }

    /** Closes every idle connection (router shutdown). */
    public void closeAll() {
        for (LoopPool pool : byLoop.values()) {
            if (!pool.loop().isShuttingDown()) {
                pool.loop().execute(pool::evictAll);
            }
        }
    }
}
