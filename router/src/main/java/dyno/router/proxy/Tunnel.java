package dyno.router.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.ReferenceCountUtil;

/**
 * An upgraded connection (a WebSocket, after a relayed 101): raw bytes both ways between a client
 * and its dyno until either closes, each side read only while the other is writable. Runs on the
 * client channel's event loop, as the dyno connection does.
 */
final class Tunnel implements BackendHandler.Owner {
    private final Channel client;
    private final Runnable onDynoClosed;
    private Channel backend;
    private BackendHandler backendHandler;
    private long lastBackendActivity;

    /**
     * Takes over {@code backend}'s events at once, so that what its codec still holds when removed
     * reaches the client; {@code onDynoClosed} runs when the dyno closes. {@link #start()} once both
     * codecs are gone.
     */
    Tunnel(Channel client, Channel backend, BackendHandler handler, Runnable onDynoClosed) {
        this.client = client;
        this.backend = backend;
        this.backendHandler = handler;
        this.onDynoClosed = onDynoClosed;
        this.lastBackendActivity = System.nanoTime();
        handler.attach(this);
    }

    /** Reads each side while the other is writable. */
    void start() {
        Channel b = backend;
        if (b != null) {
            b.config().setAutoRead(client.isWritable());
            client.config().setAutoRead(b.isWritable());
        }
    }

    long lastBackendActivity() {
        return lastBackendActivity;
    }

    void fromClient(Object msg) {
        Channel b = backend;
        if (b != null && msg instanceof ByteBuf) {
            b.write(msg, b.voidPromise());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    void clientReadComplete() {
        Channel b = backend;
        if (b != null) {
            b.flush();
            if (!b.isWritable()) {
                client.config().setAutoRead(false);
            }
        }
    }

    void clientWritable() {
        Channel b = backend;
        if (b != null) {
            b.config().setAutoRead(true);
        }
    }

    /** Ends the dyno side: flushes what is written first when {@code flush}. */
    void close(boolean flush) {
        Channel b = backend;
        if (backendHandler != null) {
            backendHandler.detach();
        }
        backendHandler = null;
        backend = null;
        if (b == null) {
            return;
        }
        if (flush && b.isActive()) {
            b.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        } else {
            b.close();
        }
    }

    @Override
    public void onBackendRead(Object msg) {
        lastBackendActivity = System.nanoTime();
        if (msg instanceof ByteBuf) {
            client.write(msg, client.voidPromise());
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void onBackendReadComplete() {
        client.flush();
        Channel b = backend;
        if (b != null && !client.isWritable()) {
            b.config().setAutoRead(false);
        }
    }

    @Override
    public void onBackendWritabilityChanged() {
        Channel b = backend;
        if (b != null && b.isWritable()) {
            client.config().setAutoRead(true);
        }
    }

    @Override
    public void onBackendInactive() {
        backend = null;
        backendHandler = null;
        onDynoClosed.run();
    }
}
