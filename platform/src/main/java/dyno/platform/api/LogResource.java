package dyno.platform.api;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

/**
 * The app's logs, in Heroku's line format: {@code GET /apps/{app}/log-lines} (the last lines) and
 * {@code GET /apps/{app}/log-stream} (those, then new lines as they come), both Dyno's own.
 */
final class LogResource implements Resource {
    private final LogBuffer logs;
    private final BooleanSupplier closing;

    /** @param closing whether the API is closing, which ends every stream */
    LogResource(LogBuffer logs, BooleanSupplier closing) {
        this.logs = requireNonNull(logs, "logs");
        this.closing = requireNonNull(closing, "closing");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/log-lines", this::lines);
        routes.add("GET", "/apps/{app}/log-stream", this::stream);
    }

    private void lines(Request r) throws IOException {
        Map<String, String> q = r.query();
        int n = parseLines(q.get("lines"));
        StringBuilder out = new StringBuilder();
        for (LogLine line : logs.tail(n, filter(q.get("source"), q.get("dyno")))) {
            out.append(line.format()).append('\n');
        }
        byte[] bytes = out.toString().getBytes(StandardCharsets.UTF_8);
        HttpExchange ex = r.exchange();
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
    }

    private void stream(Request r) throws IOException {
        Map<String, String> q = r.query();
        int n = parseLines(q.get("lines"));
        Predicate<LogLine> filter = filter(q.get("source"), q.get("dyno"));
        HttpExchange ex = r.exchange();
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        BlockingQueue<LogLine> live = new ArrayBlockingQueue<>(4096);
        try (AutoCloseable sub = logs.subscribe(l -> {
            if (filter.test(l)) {
                live.offer(l);
            }
        })) {
            for (LogLine line : logs.tail(n, filter)) {
                out.write((line.format() + "\n").getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            while (!closing.getAsBoolean()) {
                LogLine line = live.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    out.write((line.format() + "\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                }
            }
        } catch (IOException clientGone) {
            // the client stopped reading
        } catch (Exception e) {
            Thread.currentThread().interrupt();
        }
    }

    static int parseLines(String value) {
        if (value == null) {
            return 100;
        }
        try {
            int n = Integer.parseInt(value);
            if (n < 0 || n > LogBuffer.DEFAULT_CAPACITY) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw ApiError.invalid("lines: \"" + value + "\" (expected: 0.." + LogBuffer.DEFAULT_CAPACITY + ")");
        }
    }

    static Predicate<LogLine> filter(String source, String dyno) {
        if (source != null && !source.equals(LogLine.APP) && !source.equals(LogLine.DYNO)) {
            throw ApiError.invalid("source: \"" + source + "\" (expected: app or dyno)");
        }
        return l -> (source == null || l.source().equals(source))
                && (dyno == null || l.dyno().equals(dyno) || (!dyno.contains(".") && l.dyno().startsWith(dyno + ".")));
    }
}
