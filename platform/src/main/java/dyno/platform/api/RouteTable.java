package dyno.platform.api;

import static java.util.Objects.requireNonNull;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * Method and path template to handler: {@code routes.add("PATCH", "/apps/{app}/formation/{type}", h)}.
 * A {@code {name}} segment matches one non-empty segment and reaches the handler URL-decoded (and
 * resolved, see {@link #param}); a literal segment wins over a {@code {name}} at the same place. An
 * unknown path answers 404 {@code not_found}; a known path with another method 405
 * {@code method_not_allowed} with an {@code Allow} header.
 */
public final class RouteTable {
    /** Serves one request that matched its route. */
    @FunctionalInterface
    public interface Handler {
        void handle(Request request) throws IOException;
    }

    /** Who may call a route: the token or a session, or a caller holding a credential in the URL. */
    enum Access { TOKEN, URL_CREDENTIAL }

    private record Target(Handler handler, Access access) {
    }

    /** One path template and its handlers by method. */
    private record Template(String text, String[] segments, Map<String, Target> methods) {
        boolean literal(int i) {
            return !(segments[i].startsWith("{") && segments[i].endsWith("}"));
        }

        /** By length, then literal segments before {@code {name}} ones, left to right: the more specific first. */
        static final Comparator<Template> SPECIFIC_FIRST = (a, b) -> {
            if (a.segments.length != b.segments.length) {
                return Integer.compare(a.segments.length, b.segments.length);
            }
            for (int i = 0; i < a.segments.length; i++) {
                if (a.literal(i) != b.literal(i)) {
                    return a.literal(i) ? -1 : 1;
                }
            }
            return 0;
        };
    }

    private record Match(Template template, Map<String, String> params) {
    }

    private final List<Template> templates = new ArrayList<>();
    private final Map<String, UnaryOperator<String>> resolvers = new HashMap<>();

    /** Adds a route that needs the bearer token or a dashboard session; a method and template may be added once. */
    public RouteTable add(String method, String template, Handler handler) {
        return add(method, template, handler, Access.TOKEN);
    }

    /**
     * Adds a route the control API lets through without the token or a session because its URL
     * carries a credential of its own, which {@code handler} must check before it answers anything.
     */
    RouteTable addWithUrlCredential(String method, String template, Handler handler) {
        return add(method, template, handler, Access.URL_CREDENTIAL);
    }

    /**
     * Resolves every {@code {name}} parameter through {@code resolver} before a handler sees it, e.g.
     * {@code {app}} from an app's name or id to its name; the resolver throws {@link ApiError} (404) for
     * an unknown value.
     */
    public RouteTable param(String name, UnaryOperator<String> resolver) {
        resolvers.put(requireNonNull(name, "name"), requireNonNull(resolver, "resolver"));
        return this;
    }

    private RouteTable add(String method, String template, Handler handler, Access access) {
        requireNonNull(method, "method");
        requireNonNull(handler, "handler");
        if (!template.startsWith("/")) {
            throw new IllegalArgumentException("template: \"" + template + "\" (expected: a path starting with /)");
        }
        String[] segments = split(template);
        Template t = templates.stream().filter(x -> x.text.equals(String.join("/", segments))).findFirst()
                .orElseGet(() -> {
                    Template created = new Template(String.join("/", segments), segments, new TreeMap<>());
                    templates.add(created);
                    templates.sort(Template.SPECIFIC_FIRST);
                    return created;
                });
        if (t.methods.putIfAbsent(method, new Target(handler, access)) != null) {
            throw new IllegalStateException("route added twice: " + method + " " + template);
        }
        return this;
    }

    /** Whether {@code method path} goes to a route that checks its own URL credential. */
    boolean urlCredential(String method, String rawPath) {
        Match m = match(rawPath);
        Target target = m == null ? null : m.template.methods.get(method);
        return target != null && target.access == Access.URL_CREDENTIAL;
    }

    /** Serves the exchange with the route of its method and path, or answers 404 or 405. */
    void dispatch(HttpExchange ex, boolean bearer) throws IOException {
        String method = ex.getRequestMethod();
        Match m = match(ex.getRequestURI().getRawPath());
        if (m == null) {
            throw ApiError.notFound("no such endpoint: " + method + " " + ex.getRequestURI().getPath());
        }
        Target target = m.template.methods.get(method);
        if (target == null) {
            String allow = String.join(", ", m.template.methods.keySet());
            ex.getResponseHeaders().set("Allow", allow);
            throw new ApiError(405, "method_not_allowed",
                    method + " " + ex.getRequestURI().getPath() + " (expected: " + allow + ")");
        }
        Map<String, String> params = new HashMap<>();
        for (Map.Entry<String, String> p : m.params.entrySet()) {
            params.put(p.getKey(), resolvers.getOrDefault(p.getKey(), UnaryOperator.identity()).apply(p.getValue()));
        }
        target.handler.handle(new Request(ex, params, bearer));
    }

    private Match match(String rawPath) {
        String[] path = split(rawPath);
        String[] decoded = new String[path.length];
        for (int i = 0; i < path.length; i++) {
            try {
                decoded[i] = URLDecoder.decode(path[i].replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return null; // a malformed %-escape names no resource
            }
        }
        for (Template t : templates) {
            Map<String, String> params = params(t, decoded);
            if (params != null) {
                return new Match(t, params);
            }
        }
        return null;
    }

    private static Map<String, String> params(Template t, String[] path) {
        if (t.segments.length != path.length) {
            return null;
        }
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < path.length; i++) {
            String s = t.segments[i];
            if (t.literal(i)) {
                if (!s.equals(path[i])) {
                    return null;
                }
            } else if (path[i].isEmpty()) {
                return null;
            } else {
                params.put(s.substring(1, s.length() - 1), path[i]);
            }
        }
        return params;
    }

    /** The segments after the leading slash, trailing slashes ignored: {@code /apps/x/} is {@code [apps, x]}. */
    private static String[] split(String path) {
        String[] parts = path.replaceAll("/+$", "").split("/", -1);
        return Arrays.copyOfRange(parts, 1, Math.max(1, parts.length));
    }
}
