package dyno.router.pool;

import static java.util.Objects.requireNonNull;

import dyno.router.select.Dyno;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Keep-alive connections to dynos owned by one event loop. Every method runs on that loop only, so
 * nothing here is synchronized; other threads go through {@link EventLoop#execute(Runnable)}.
 */
public final class LoopPool {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private final int maxIdlePerDyno;
    private final BiFunction<Dyno, LoopPool, ChannelHandler> initializer;
    private final Map<Dyno, ArrayDeque<Channel>> idle = new HashMap<>();

    LoopPool(EventLoop loop, Bootstrap template, int maxIdlePerDyno,
             BiFunction<Dyno, LoopPool, ChannelHandler> initializer) {
        this.loop = requireNonNull(loop, "loop");
        this.bootstrap = template.clone(loop);
        this.maxIdlePerDyno = maxIdlePerDyno;
        this.initializer = requireNonNull(initializer, "initializer");
    }

    public EventLoop loop() {
        return loop;
    }

    /** A pooled connection that is still open, most recently used first; null if none. */
    public Channel poll(Dyno dyno) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> channels = idle.get(dyno);
        if (channels == null) {
            return null;
        }
        // Bounded by the deque's size; stale channels are dropped as they are met.
        for (Channel ch = channels.pollFirst(); ch != null; ch = channels.pollFirst()) {
            if (ch.isActive()) {
                return ch;
            }
            ch.close();
        }
        return null;
    }

    /** A new connection, its pipeline installed, on this loop. */
    public ChannelFuture connect(Dyno dyno) {
        assert loop.inEventLoop();
        return bootstrap.clone().handler(initializer.apply(dyno, this)).connect(dyno.address());
    }

    /** Takes a connection back after a complete exchange; closes it if it cannot be reused. */
    public void offer(Dyno dyno, Channel ch) {
        assert loop.inEventLoop();
        if (dyno.removed() || !ch.isActive()) {
            ch.close();
            return;
        }
        ArrayDeque<Channel> channels = idle.computeIfAbsent(dyno, d -> new ArrayDeque<>());
        if (channels.size() >= maxIdlePerDyno) {
            ch.close();
            return;
        }
        channels.addFirst(ch);
    }

    /** Forgets an idle connection that closed or misbehaved. */
    public void discard(Dyno dyno, Channel ch) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> channels = idle.get(dyno);
        if (channels != null) {
            channels.remove(ch);
        }
        ch.close();
    }

    /** Idle connections to the dyno. */
    public int idleCount(Dyno dyno) {
        ArrayDeque<Channel> channels = idle.get(dyno);
        return channels == null ? 0 : channels.size();
    }

    void evict(Dyno dyno) {
        assert loop.inEventLoop();
        ArrayDeque<Channel> channels = idle.remove(dyno);
        if (channels != null) {
            for (Channel ch : channels) {
                ch.close();
            }
        }
    }

    void evictAll() {
        for (ArrayDeque<Channel> channels : idle.values()) {
            for (Channel ch : channels) {
                ch.close();
            }
        }
        idle.clear();
    }
}
