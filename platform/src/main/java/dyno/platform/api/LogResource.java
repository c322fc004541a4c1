package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import dyno.runtime.log.LogBuffer;
import dyno.runtime.log.LogLine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The app's logs, in Heroku's line format ({@code 2026-11-28T10:31:02.123456+00:00 app[web.1]: ...}).
 * Heroku's way: {@code POST /apps/{app}/log-sessions} answers a {@code logplex_url} on this API
 * whose path holds a one-time secret ({@link LogSessions}), and that URL streams the lines as
 * server-sent events, as {@code heroku logs} reads them. Dyno's own: {@code GET /apps/{app}/log-lines}
 * (the last lines, text) and {@code GET /apps/{app}/log-stream} (those, then new ones as they come).
 */
final class LogResource implements Resource {
    private static final long KEEP_ALIVE_SECONDS = 15;

    private final LogBuffer logs;
    private final LogSessions sessions;
    private final BooleanSupplier closing;

    /** @param closing whether the API is closing, which ends every stream */
    LogResource(LogBuffer logs, LogSessions sessions, BooleanSupplier closing) {
        this.logs = requireNonNull(logs, "logs");
        this.sessions = requireNonNull(sessions, "sessions");
        this.closing = requireNonNull(closing, "closing");
    }

    @Override
    public void register(RouteTable routes) {
        routes.add("GET", "/apps/{app}/log-lines", r -> text(r, false));
        routes.add("GET", "/apps/{app}/log-stream", r -> text(r, true));
        routes.add("POST", "/apps/{app}/log-sessions", this::createSession);
        routes.addWithUrlCredential("GET", "/log-sessions/{secret}", this::streamSession);
    }

    private void text(Request r, boolean follow) throws IOException {
        Map<String, String> q = r.query();
        int n = parseLines(q.get("lines"));
        Predicate<LogLine> filter = filter(q.get("source"), q.get("dyno"));
        r.exchange().getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        pump(r.exchange(), "", n, filter, follow, l -> l.format() + "\n", null);
    }

    /** {@code {"lines": 100, "source": "app", "dyno": "web.1", "tail": true}}, all optional. */
    private void createSession(Request r) throws IOException {
        JsonNode body = r.bodyOrEmpty();
        JsonNode lines = body.path("lines");
        String n = lines.isMissingNode() || lines.isNull() ? null
                : lines.isIntegralNumber() || lines.isTextual() ? lines.asText() : lines.toString();
        String source = text(body, "source");
        String dyno = text(body, "dyno");
        if (dyno == null) {
            dyno = text(body, "type"); // what Heroku's CLI sends for --process-type to fir apps
        }
        JsonNode tail = body.path("tail");
        if (!tail.isMissingNode() && !tail.isNull() && !tail.isBoolean()) {
            throw ApiError.invalid("tail: " + tail + " (expected: true or false)");
        }
        LogSessions.Options options = new LogSessions.Options(parseLines(n), source, dyno, tail.asBoolean(false));
        filter(options.source(), options.dyno()); // refuses a bad source now, not on the stream
        String secret = sessions.create(options);
        Instant now = Instant.now();
        ObjectNode out = JSON.createObjectNode();
        out.put("id", java.util.UUID.randomUUID().toString()); // not derived from the secret
        out.put("logplex_url", "http://127.0.0.1:" + r.localPort() + "/log-sessions/" + secret);
        out.put("created_at", Shapes.iso(now));
        out.put("updated_at", Shapes.iso(now));
        r.json(201, out);
    }

    private void streamSession(Request r) throws IOException {
        LogSessions.Options o = sessions.redeem(r.param("secret")).orElseThrow(() -> ApiError.notFound(
                "no such log session (a logplex_url works once, within " + LogSessions.TTL.toMinutes() + " minutes)"));
        HttpExchange ex = r.exchange();
        ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        // an EventSource reconnects 3 s after a stream ends, and only then does heroku logs exit; a session
        // that ends tells it to retry at once (its URL, used, then answers 404 and stops any other client)
        String head = o.tail() ? "" : "retry: 1\n\n";
        pump(ex, head, o.lines(), filter(o.source(), o.dyno()), o.tail(), LogResource::event, ": keep-alive\n\n");
    }

    /** One server-sent event per line, a {@code data:} field per line of its text. */
    private static String event(LogLine line) {
        StringBuilder out = new StringBuilder();
        for (String part : line.format().split("\r\n|\r|\n", -1)) {
            out.append("data: ").append(part).append('\n');
        }
        return out.append('\n').toString();
    }

    /**
     * Writes {@code head}, the last {@code n} matching lines and, when {@code follow}, new ones until the client
     * leaves or the API closes ({@code keepAlive}, if any, written after each quiet spell so that a
     * gone client is noticed).
     */
    private void pump(HttpExchange ex, String head, int n, Predicate<LogLine> filter, boolean follow,
                      Function<LogLine, String> format, String keepAlive) throws IOException {
        ex.sendResponseHeaders(200, 0);
        OutputStream out = ex.getResponseBody();
        out.write(head.getBytes(StandardCharsets.UTF_8));
        BlockingQueue<LogLine> live = new ArrayBlockingQueue<>(4096);
        try (AutoCloseable sub = follow ? logs.subscribe(l -> {
            if (filter.test(l)) {
                live.offer(l);
            }
        }) : () -> { }) {
            for (LogLine line : logs.tail(n, filter)) {
                out.write(format.apply(line).getBytes(StandardCharsets.UTF_8));
            }
            out.flush();
            long quiet = 0;
            while (follow && !closing.getAsBoolean()) {
                LogLine line = live.poll(1, TimeUnit.SECONDS);
                if (line != null) {
                    out.write(format.apply(line).getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    quiet = 0;
                } else if (keepAlive != null && ++quiet >= KEEP_ALIVE_SECONDS) {
                    out.write(keepAlive.getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    quiet = 0;
                }
            }
        } catch (IOException clientGone) {
            // the client stopped reading
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String text(JsonNode body, String field) {
        JsonNode v = body.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw ApiError.invalid(field + ": " + v + " (expected: a string)");
        }
        return v.asText();
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

    /** {@code source} is {@code app}, {@code dyno} or Heroku's name for it, {@code heroku}; {@code dyno} a dyno or a type. */
    static Predicate<LogLine> filter(String source, String dyno) {
        if (source != null && !source.equals(LogLine.APP) && !source.equals(LogLine.DYNO) && !source.equals("heroku")) {
            throw ApiError.invalid("source: \"" + source + "\" (expected: app, dyno or heroku)");
        }
        String s = "heroku".equals(source) ? LogLine.DYNO : source;
        return l -> (s == null || l.source().equals(s))
                && (dyno == null || l.dyno().equals(dyno) || (!dyno.contains(".") && l.dyno().startsWith(dyno + ".")));
    }
}
