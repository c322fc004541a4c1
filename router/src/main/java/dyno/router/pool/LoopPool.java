package dyno.router.pool;

import static java.util.Objects.requireNonNull;

import dyno.router.select.Dyno;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * Keep-alive connections to dynos owned by one event loop. Every method runs on that loop only, so
 * nothing here is synchronized; other threads go through {@link EventLoop#execute(Runnable)}. A
 * connection unused for the keep-alive period is closed, before the dyno's own keep-alive timeout
 * closes it under a request.
 */
public final class LoopPool {
    private final EventLoop loop;
    private final Bootstrap bootstrap;
    private int maxIdlePerDyno;
    // Replaced by reconfigure(), on this loop like every other access.
    private BiFunction<Dyno, LoopPool, ChannelHandler> initializer;
    private long keepAliveNanos;
    private final Map<Dyno, ArrayDeque<Idle>> idle = new HashMap<>();
    private boolean sweeping;
    /** The channel {@link #offer} saw last, for {@link QuickAckHandler}: a read that ended a response. */
    private Channel offered;

    /** A pooled connection and when it was last used. */
    private record Idle(Channel channel, long sinceNanos) {
    }

    LoopPool(EventLoop loop, Bootstrap template, int maxIdlePerDyno,
             BiFunction<Dyno, LoopPool, ChannelHandler> initializer, Duration keepAlive) {
        this.loop = requireNonNull(loop, "loop");
        this.bootstrap = template.clone(loop);
        this.maxIdlePerDyno = maxIdlePerDyno;
        this.initializer = requireNonNull(initializer, "initializer");
        this.keepAliveNanos = keepAlive.toNanos();
    }

    public EventLoop loop() {
        return loop;
    }

    /**
     * New settings for the connections made from now on (connect timeout, pipeline), the keep-alive
     * of every idle one and how many may idle per dyno (those over it close as they come back). On
     * this pool's loop.
     */
    void reconfigure(Duration keepAlive, Duration connectTimeout, int maxIdlePerDyno,
                     BiFunction<Dyno, LoopPool, ChannelHandler> initializer) {
        assert loop.inEventLoop();
        this.keepAliveNanos = keepAlive.toNanos();
        this.maxIdlePerDyno = maxIdlePerDyno;
        this.initializer = requireNonNull(initializer, "initializer");
        ChannelSettings.connectTimeout(bootstrap, connectTimeout);
    }

    /** A pooled connection that is still open and fresh, most recently used first; null if none. */
    public Channel poll(Dyno dyno) {
        assert loop.inEventLoop();
        ArrayDeque<Idle> channels = idle.get(dyno);
        if (channels == null) {
            return null;
        }
        long now = System.nanoTime();
        // Bounded by the deque's size; closed and expired channels are dropped as they are met.
        for (Idle c = channels.pollFirst(); c != null; c = channels.pollFirst()) {
            if (c.channel.isActive() && now - c.sinceNanos < keepAliveNanos) {
                return c.channel;
            }
            c.channel.close();
        }
        return null;
    }

    /** A new connection, its pipeline installed, on this loop. */
    public ChannelFuture connect(Dyno dyno) {
        assert loop.inEventLoop();
        return bootstrap.clone().handler(ChannelSettings.backendPipeline(initializer.apply(dyno, this), this))
                .connect(dyno.address());
    }

    /** Takes a connection back after a complete exchange; closes it if it cannot be reused. */
    public void offer(Dyno dyno, Channel ch) {
        assert loop.inEventLoop();
        offered = ch;
        if (dyno.removed() || !ch.isActive()) {
            ch.close();
            return;
        }
        ArrayDeque<Idle> channels = idle.computeIfAbsent(dyno, d -> new ArrayDeque<>());
        if (channels.size() >= maxIdlePerDyno) {
            ch.close();
            return;
        }
        channels.addFirst(new Idle(ch, System.nanoTime()));
        if (!sweeping) {
            sweeping = true;
            loop.schedule(this::sweep, keepAliveNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Closes the connections unused for the keep-alive period; runs while any connection is pooled. */
    private void sweep() {
        long now = System.nanoTime();
        boolean any = false;
        for (ArrayDeque<Idle> channels : idle.values()) {
            // Oldest last: stop at the first one still fresh.
            for (Idle c = channels.peekLast(); c != null && now - c.sinceNanos >= keepAliveNanos; c = channels.peekLast()) {
                channels.pollLast();
                c.channel.close();
            }
            any |= !channels.isEmpty();
        }
        if (any) {
            loop.schedule(this::sweep, Math.max(keepAliveNanos / 2, 1), TimeUnit.NANOSECONDS);
        } else {
            sweeping = false;
        }
    }

    /** Forgets which channel was offered last; {@link QuickAckHandler} asks around each read's completion. */
    void clearOffered() {
        offered = null;
    }

    /** True if {@code ch} came back through {@link #offer} since {@link #clearOffered}: its response ended. */
    boolean offered(Channel ch) {
        return offered == ch;
    }

    /** Forgets an idle connection that closed or misbehaved. */
    public void discard(Dyno dyno, Channel ch) {
        assert loop.inEventLoop();
        ArrayDeque<Idle> channels = idle.get(dyno);
        if (channels != null) {
            channels.removeIf(c -> c.channel == ch);
        }
        ch.close();
    }

    /** Idle connections to the dyno. */
    public int idleCount(Dyno dyno) {
        ArrayDeque<Idle> channels = idle.get(dyno);
        return channels == null ? 0 : channels.size();
    }

    void evict(Dyno dyno) {
        assert loop.inEventLoop();
        ArrayDeque<Idle> channels = idle.remove(dyno);
        if (channels != null) {
            for (Idle c : channels) {
                c.channel.close();
            }
        }
    }

    void evictAll() {
        for (ArrayDeque<Idle> channels : idle.values()) {
            for (Idle c : channels) {
                c.channel.close();
            }
        }
        idle.clear();
    }
}
