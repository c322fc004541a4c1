package dyno.router.pool;

import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.BiFunction;

/** One {@link LoopPool} per event loop; closes a dyno's idle connections on every loop when it leaves. */
public final class Pools implements DynoTable.Membership {
    /** Idle connections kept per (dyno, event loop). */
    public static final int MAX_IDLE_PER_DYNO = 64;

    private final Map<EventExecutor, LoopPool> byLoop = new IdentityHashMap<>();

    /** Pools whose connections stay at most {@code keepAlive} unused. */
    public Pools(EventLoopGroup group, Bootstrap template, BiFunction<Dyno, LoopPool, ChannelHandler> initializer,
                 Duration keepAlive) {
        for (EventExecutor executor : group) {
            byLoop.put(executor, new LoopPool((EventLoop) executor, template, MAX_IDLE_PER_DYNO, initializer,
                    keepAlive));
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
