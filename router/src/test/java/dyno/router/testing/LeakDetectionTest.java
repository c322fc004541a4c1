package dyno.router.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeakDetectionTest {

    @Test
    void recordsALeakedBufferSoTheExtensionCanFailTheBuild() throws InterruptedException {
        leakOne();
        List<String> leaks = new ArrayList<>();
        for (int i = 0; i < 20 && leaks.isEmpty(); i++) {
            System.gc();
            Thread.sleep(20);
            ByteBufAllocator.DEFAULT.buffer(8).release();
            leaks.addAll(RecordingLeakDetector.drain());
        }
        assertThat(leaks).isNotEmpty();
    }

    private static void leakOne() {
        ByteBuf leaked = ByteBufAllocator.DEFAULT.buffer(32);
        leaked.writeInt(42);
    }
}
