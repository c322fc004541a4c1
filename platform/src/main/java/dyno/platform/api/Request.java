package dyno.platform.api;

import static dyno.platform.api.Shapes.JSON;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One request that matched a route: its path parameters and the helpers every resource shares
 * (the JSON body, at most 64 KiB; the query; JSON answers; waiting for the dyno manager).
 */
public final class Request {
    /** The largest request body read; a larger one is refused with 422. */
    static final int MAX_BODY = 64 * 1024;
    private static final long AWAIT_MINUTES = 10;

    private final HttpExchange exchange;
    private final Map<String, String> params;
    private final boolean bearer;

    Request(HttpExchange exchange, Map<String, String> params, boolean bearer) {
        this.exchange = exchange;
        this.params = Map.copyOf(params);
        this.bearer = bearer;
    }

    /** The underlying exchange, for streaming answers. */
    public HttpExchange exchange() {
        return exchange;
    }

    /** The URL-decoded (and resolved) value of the template's {@code {name}} segment. */
    public String param(String name) {
        String value = params.get(name);
        if (value == null) {
            throw new IllegalStateException("route has no {" + name + "} parameter");
        }
        return value;
    }

    /** Whether the bearer token came with the request (not a dashboard session). */
    public boolean bearer() {
        return bearer;
    }

    /** The port this request came in on (the API's). */
    public int localPort() {
        return exchange.getLocalAddress().getPort();
    }

    /** The decoded query parameters; of a repeated name the last. */
    public Map<String, String> query() {
        Map<String, String> out = new HashMap<>();
        String raw = exchange.getRequestURI().getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    try {
                        out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        throw ApiError.invalid("query: malformed escape in \"" + pair + "\"");
                    }
                }
            }
        }
        return out;
    }

    /** The body, a JSON object of at most 64 KiB; anything else is a 422. */
    public JsonNode body() throws IOException {
        return parse(read(), false);
    }

    /** Like {@link #body()}, but an empty body is an empty object (for actions whose body is optional). */
    public JsonNode bodyOrEmpty() throws IOException {
        return parse(read(), true);
    }

    private byte[] read() throws IOException {
        byte[] bytes = exchange.getRequestBody().readNBytes(MAX_BODY + 1);
        if (bytes.length > MAX_BODY) {
            throw ApiError.invalid("body: larger than " + MAX_BODY + " bytes");
        }
        return bytes;
    }

    private static JsonNode parse(byte[] bytes, boolean emptyIsObject) throws IOException {
        if (emptyIsObject && new String(bytes, StandardCharsets.UTF_8).isBlank()) {
            return JSON.createObjectNode();
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            if (node == null || !node.isObject()) {
                throw ApiError.invalid("body: expected a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw ApiError.invalid("body: malformed JSON: " + e.getOriginalMessage());
        }
    }

    /** Answers {@code body} as JSON with {@code status}. */
    public void json(int status, JsonNode body) throws IOException {
        send(exchange, status, body);
    }

    /** Answers 202 with an empty JSON object, as Heroku's actions do. */
    public void accepted() throws IOException {
        json(202, JSON.createObjectNode());
    }

    /** Waits (at most 10 minutes) for the dyno manager; its {@link IllegalArgumentException} becomes a 422. */
    public static <T> T await(CompletableFuture<T> future) {
        try {
            return future.get(AWAIT_MINUTES, TimeUnit.MINUTES);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IllegalArgumentException iae) {
                throw ApiError.invalid(iae.getMessage());
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        } catch (TimeoutException e) {
            throw new IllegalStateException("timed out");
        }
    }

    static void send(HttpExchange ex, int status, JsonNode body) throws IOException {
        byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(body);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
    }
}
