package dyno.runtime.log;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The last N lines of an app's log stream (Heroku keeps 1500), with live subscribers. Thread-safe. */
public final class LogBuffer implements Consumer<LogLine> {
    /** Heroku's log history size. */
    public static final int DEFAULT_CAPACITY = 1500;
    private static final Logger logger = LoggerFactory.getLogger(LogBuffer.class);

    private final int capacity;
    private final ArrayDeque<LogLine> lines;
    private final List<Consumer<LogLine>> subscribers = new CopyOnWriteArrayList<>();

    public LogBuffer(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        this.capacity = capacity;
        this.lines = new ArrayDeque<>(capacity);
    }

    public LogBuffer() {
        this(DEFAULT_CAPACITY);
    }

    @Override
    public void accept(LogLine line) {
        synchronized (lines) {
            if (lines.size() == capacity) {
                lines.removeFirst();
            }
            lines.addLast(line);
        }
        for (Consumer<LogLine> s : subscribers) {
            try {
                s.accept(line);
            } catch (RuntimeException e) {
                // one broken subscriber (a client that went away) must not cost the others their lines
                logger.debug("log subscriber failed", e);
            }
        }
    }

    /** The last {@code n} lines that match {@code filter}, oldest first. */
    public List<LogLine> tail(int n, Predicate<LogLine> filter) {
        if (n < 0) {
            throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
        }
        List<LogLine> matching = new ArrayList<>();
        synchronized (lines) {
            for (LogLine l : lines) {
                if (filter.test(l)) {
                    matching.add(l);
                }
            }
        }
        return List.copyOf(matching.subList(Math.max(0, matching.size() - n), matching.size()));
    }

    /** Calls {@code subscriber} with every new line until the returned handle is closed. */
    public AutoCloseable subscribe(Consumer<LogLine> subscriber) {
        subscribers.add(subscriber);
        return () -> subscribers.remove(subscriber);
    }
}
