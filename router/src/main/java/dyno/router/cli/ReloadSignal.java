package dyno.router.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * {@code kill -HUP PID} reloads {@code dyno router --config FILE}, as it reloads HAProxy and nginx.
 * The reload runs off the signal thread; its outcome is an event line. Closing restores the JVM's
 * previous handler.
 */
final class ReloadSignal implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ReloadSignal.class);
    private static final Signal HUP = new Signal("HUP");

    private final SignalHandler previous;

    private ReloadSignal(SignalHandler previous) {
        this.previous = previous;
    }

    static ReloadSignal install(RunningRouter running) {
        try {
            return new ReloadSignal(Signal.handle(HUP, sig -> {
                Thread t = new Thread(() -> {
                    try {
                        running.reload();
                    } catch (RuntimeException e) {
                        logger.debug("reload on SIGHUP failed", e); // already an event line
                    }
                }, "dyno-router-reload");
                t.setDaemon(true);
                t.start();
            }));
        } catch (IllegalArgumentException e) {
            logger.warn("SIGHUP cannot reload on this JVM ({}); use the runtime API", e.getMessage());
            return new ReloadSignal(null);
        }
    }

    @Override
    public void close() {
        if (previous != null) {
            Signal.handle(HUP, previous);
        }
    }
}
