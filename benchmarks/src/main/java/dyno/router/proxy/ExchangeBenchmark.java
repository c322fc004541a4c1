package dyno.router.proxy;

import dyno.router.RouterConfig;
import dyno.router.RouterListener;
import dyno.router.log.AccessLogFormat;
import dyno.router.log.AccessRecord;
import dyno.router.pool.LoopPool;
import dyno.router.pool.Pools;
import dyno.router.select.Dyno;
import dyno.router.select.DynoTable;
import dyno.router.select.RoundRobinStrategy;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One whole keep-alive exchange through the router's real handlers, in memory: the client's request
 * bytes go into the client pipeline (server codec + FrontendHandler), come out of the pooled dyno
 * connection (client codec + BackendHandler) as request bytes, the dyno's response bytes go back in
 * and come out of the client pipeline. Two EmbeddedChannels, pooled buffers, an access record made
 * (and kept, as the product's {@code AccessLogWriter} queues it; the writer thread formats it).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ExchangeBenchmark {
    private static final String REQUEST = "GET /hello HTTP/1.1\r\n"
            + "Host: localhost:5006\r\n"
            + "User-Agent: wrk\r\n"
            + "Accept: */*\r\n"
            + "Accept-Encoding: gzip, deflate\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n";
    private static final String RESPONSE = "HTTP/1.1 200 OK\r\n"
            + "Server: nginx\r\n"
            + "Content-Type: text/plain\r\n"
            + "Content-Length: 13\r\n"
            + "Connection: keep-alive\r\n"
            + "\r\n"
            + "Hello, world!";

    private EmbeddedChannel client;
    private EmbeddedChannel backend;
    private ByteBuf request;
    private ByteBuf response;
    private long lines;
    AccessRecord lastRecord;

    @Setup
    public void setUp() {
        PooledByteBufAllocator alloc = PooledByteBufAllocator.DEFAULT;
        // as the product's AccessLogWriter does on the event loop: keep the record, format nothing here
        RouterConfig config = RouterConfig.builder().accessLog(record -> {
            lastRecord = record;
            lines++;
        }).build();
        EmbeddedChannel[] backendHolder = new EmbeddedChannel[1];
        // The pools, table and dyno connection must live on the client channel's own loop, known only
        // once it is registered: build them in the initializer, before channelActive reaches FrontendHandler.
        client = new EmbeddedChannel(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
                ch.config().setAllocator(alloc);
                EventLoop loop = ch.eventLoop();
                DynoTable table = new DynoTable(new RoundRobinStrategy(), loop, config.quarantine(), 1000,
                        RouterListener.NONE);
                Pools pools = new Pools(loop, new Bootstrap(), BackendInitializer.factory(config.maxHeadBytes()), config.dynoKeepAlive(),
                config.maxInFlightPerDyno());
                table.watch(pools);
                table.add("web.1", new InetSocketAddress("127.0.0.1", 5001));
                Dyno dyno = table.snapshot().get(0);
                LoopPool pool = pools.forLoop(loop);
                EmbeddedChannel b = new EmbeddedChannel(BackendInitializer.factory(config.maxHeadBytes()).apply(dyno, pool));
                b.config().setAllocator(alloc);
                pool.offer(dyno, b);
                backendHolder[0] = b;
                ProxyContext px = new ProxyContext(config, table, pools);
                ch.pipeline().addLast(ProxyInitializer.CODEC, ProxyInitializer.clientCodec(config));
                ch.pipeline().addLast(new FrontendHandler(px));
            }
        });
        backend = backendHolder[0];
        request = alloc.directBuffer().writeBytes(REQUEST.getBytes(StandardCharsets.US_ASCII));
        response = alloc.directBuffer().writeBytes(RESPONSE.getBytes(StandardCharsets.US_ASCII));
        long out = exchange();
        String line = lastRecord == null ? null : AccessLogFormat.HEROKU.format(lastRecord);
        if (out == 0 || lines != 1 || !line.startsWith("at=info")) {
            throw new IllegalStateException("exchange did not complete: " + out + " bytes, line " + line);
        }
    }

    @TearDown
    public void tearDown() {
        client.finishAndReleaseAll();
        backend.finishAndReleaseAll();
        request.release();
        response.release();
    }

    /** Bytes the client received. */
    @Benchmark
    public long exchange() {
        client.writeInbound(request.retainedDuplicate());
        long toDyno = drain(backend);
        backend.writeInbound(response.retainedDuplicate());
        long toClient = drain(client);
        return toDyno == 0 ? -1 : toClient;
    }

    private static long drain(EmbeddedChannel ch) {
        long n = 0;
        for (Object o = ch.readOutbound(); o != null; o = ch.readOutbound()) {
            if (o instanceof ByteBuf b) {
                n += b.readableBytes();
            }
            ReferenceCountUtil.release(o);
        }
        return n;
    }
}
