package dyno.router.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, installed through {@code -Dio.netty.customResourceLeakDetector}, that also
 * records every report so {@link LeakCheckExtension} can fail the test class that leaked.
 */
public final class RecordingLeakDetector<T> extends ResourceLeakDetector<T> {
    private static final ConcurrentLinkedQueue<String> LEAKS = new ConcurrentLinkedQueue<>();

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        super(resourceType, samplingInterval, maxActive);
    }

    public RecordingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    /** Reports since the last call, removed from the record. */
    static List<String> drain() {
        List<String> out = new java.util.ArrayList<>();
        for (String s = LEAKS.poll(); s != null; s = LEAKS.poll()) {
            out.add(s);
        }
        return out;
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LEAKS.add(resourceType + " leaked:" + records); // LeakCheckExtension prints it
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LEAKS.add(resourceType + " leaked (untraced)");
    }
}
