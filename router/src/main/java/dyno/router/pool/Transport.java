package dyno.router.pool;

import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringChannelOption;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The socket implementation: io_uring where the kernel allows it (Linux 5.14+, not blocked by
 * seccomp), else epoll, else NIO; {@code -Ddyno.transport=epoll} (or {@code nio}) picks one.
 * io_uring batches each loop's socket calls into one system call: +30% requests/s against epoll
 * in {@code benchmarks/load/compare.sh} (docs/performance.md).
 */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannelClass,
                        Class<? extends SocketChannel> channelClass) {

    /** System property naming the transport: {@code auto} (default), {@code io_uring}, {@code epoll} or {@code nio}. */
    public static final String PROPERTY = "dyno.transport";

    /** The one {@value #PROPERTY} names, falling back to the next available: io_uring, epoll, NIO. */
    public static Transport detect() {
        String wanted = System.getProperty(PROPERTY, "auto");
        return switch (wanted) {
            case "auto", "io_uring" -> IoUring.isAvailable() ? ioUring() : epollOrNio();
            case "epoll" -> epollOrNio();
            case "nio" -> nio();
            default -> throw new IllegalArgumentException(
                    PROPERTY + ": \"" + wanted + "\" (expected: auto, io_uring, epoll or nio)");
        };
    }

    private static Transport epollOrNio() {
        return Epoll.isAvailable() ? epoll() : nio();
    }

    public static Transport ioUring() {
        return new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class);
    }

    public static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /**
     * The {@code TCP_QUICKACK} option of this transport's sockets, null where it has none (NIO).
     * Linux keeps quick-ack mode only until its next delayed-ACK decision, so setting it once at
     * connect does not last: {@link QuickAckHandler} re-arms it after every read.
     */
    public ChannelOption<Boolean> quickAck() {
        return quickAck(channelClass);
    }

    static ChannelOption<Boolean> quickAck(Class<?> channelClass) {
        if (channelClass == EpollSocketChannel.class) {
            return EpollChannelOption.TCP_QUICKACK;
        }
        if (channelClass == IoUringSocketChannel.class) {
            return IoUringChannelOption.TCP_QUICKACK;
        }
        return null;
    }

    /** A group of {@code threads} event loops named {@code dyno-router-N}. */
    public EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dyno-router", true),
                ioHandlerFactory);
    }
}
