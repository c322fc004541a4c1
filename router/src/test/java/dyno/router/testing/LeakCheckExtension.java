package dyno.router.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reported a leaked buffer during it. Registered for every class by
 * service loading (see junit-platform.properties). Leaks surface only after a GC, when a new
 * buffer is tracked, so this collects garbage and allocates a few buffers before looking.
 */
public final class LeakCheckExtension implements AfterAllCallback {

    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(20);
            touch(ByteBufAllocator.DEFAULT);
            touch(PooledByteBufAllocator.DEFAULT);
            touch(UnpooledByteBufAllocator.DEFAULT);
            leaks.addAll(RecordingLeakDetector.drain());
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("Netty reported " + leaks.size() + " leak(s) in "
                    + context.getDisplayName() + ":\n" + String.join("\n", leaks));
        }
    }

    private static void touch(ByteBufAllocator allocator) {
        for (int i = 0; i < 8; i++) {
            ByteBuf b = allocator.buffer(16);
            b.release();
            ByteBuf d = allocator.directBuffer(16);
            d.release();
        }
    }
}
