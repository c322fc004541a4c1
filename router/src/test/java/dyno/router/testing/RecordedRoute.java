package dyno.router.testing;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

/**
 * A real router with one dyno, {@code web.1}, that is a {@link RecordingBackend}: what the dyno
 * receives is read raw. {@link #mark()} before a case, then {@link #since(int)} for what arrived.
 */
public final class RecordedRoute implements AutoCloseable {
    public final RouterFixture fx;
    public final RecordingBackend backend;
    private int seen;

    private RecordedRoute(RouterFixture fx, RecordingBackend backend) {
        this.fx = fx;
        this.backend = backend;
    }

    public static RecordedRoute start() throws Exception {
        RouterFixture fx = new RouterFixture();
        RecordingBackend backend = RecordingBackend.start();
        fx.router.registry().add("web.1", backend.address());
        return new RecordedRoute(fx, backend);
    }

    /** The router's port. */
    public int port() {
        return fx.router.port();
    }

    /** Forgets what the dyno received so far. */
    public void mark() {
        seen = backend.events().size();
    }

    /** What the dyno received since {@link #mark()}, once at least {@code atLeast} events arrived (10 s at most). */
    public List<RecordingBackend.Event> since(int atLeast) {
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.events().size() >= seen + atLeast);
        List<RecordingBackend.Event> all = backend.events();
        return all.subList(seen, all.size());
    }

    @Override
    public void close() {
        fx.close();
        backend.close();
    }
}
