package dyno.platform.bench;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What each request of a load phase is: one method, headers and body, and several paths taken in
 * proportion to their weights ({@code /a:3 /b:1}: three of every four requests go to {@code /a}).
 * The n-th request's path follows from n alone, so the mix is exact over any run of
 * {@code totalWeight} requests, whatever the concurrency.
 */
public record RequestMix(String method, List<Header> headers, byte[] body, List<WeightedPath> paths) {
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern WEIGHT = Pattern.compile("(.*):([0-9]{1,4})");
    /** Headers the JDK client sets itself and refuses from callers. */
    private static final Set<String> RESTRICTED = Set.of("connection", "content-length", "expect", "host", "upgrade");

    /** A request header. */
    public record Header(String name, String value) {
    }

    /** A request path (with its query) and how many requests of a round go to it. */
    public record WeightedPath(String path, int weight) {
        public WeightedPath {
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("--path: \"" + path + "\" (expected: /PATH[?QUERY][:WEIGHT], e.g. /cpu?ms=20:3)");
            }
            if (weight < 1 || weight > 1000) {
                throw new IllegalArgumentException("--path: weight " + weight + " of " + path + " (expected: 1..1000)");
            }
        }

        @Override
        public String toString() {
            return path + ":" + weight;
        }
    }

    public RequestMix {
        requireNonNull(method, "method");
        if (!TOKEN.matcher(method).matches()) {
            throw new IllegalArgumentException("--method: \"" + method + "\" (expected: an HTTP method such as GET or POST)");
        }
        headers = List.copyOf(headers);
        body = body == null ? null : body.clone();
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("--path: none (expected: at least one)");
        }
    }

    /** {@code GET path}, no header, no body. */
    public static RequestMix get(String path) {
        return new RequestMix("GET", List.of(), null, List.of(new WeightedPath(path, 1)));
    }

    /** {@code /cpu?ms=20:3} (weight 3) or {@code /cpu?ms=20} (weight 1). */
    public static WeightedPath parsePath(String spec) {
        Matcher m = WEIGHT.matcher(spec.strip());
        return m.matches() ? new WeightedPath(m.group(1), Integer.parseInt(m.group(2))) : new WeightedPath(spec.strip(), 1);
    }

    /** {@code Name: value}. */
    public static Header parseHeader(String spec) {
        int colon = spec.indexOf(':');
        String name = colon > 0 ? spec.substring(0, colon).strip() : "";
        if (!TOKEN.matcher(name).matches() || RESTRICTED.contains(name.toLowerCase(Locale.ROOT))) {
            throw new IllegalArgumentException("--header: \"" + spec + "\" (expected: NAME: VALUE; Connection,"
                    + " Content-Length, Expect, Host and Upgrade are set by the client)");
        }
        String value = spec.substring(colon + 1).strip();
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
            throw new IllegalArgumentException("--header: \"" + name + "\" value has a line break");
        }
        return new Header(name, value);
    }

    /** The sum of the weights: one round of the mix. */
    public int totalWeight() {
        return paths.stream().mapToInt(WeightedPath::weight).sum();
    }

    /** The index in {@link #paths} of request number {@code n}. */
    public int pathIndex(long n) {
        long slot = Math.floorMod(n, (long) totalWeight());
        for (int i = 0; i < paths.size(); i++) {
            slot -= paths.get(i).weight();
            if (slot < 0) {
                return i;
            }
        }
        throw new IllegalStateException("unreachable");
    }

    /** One request per path against {@code origin} ({@code http://127.0.0.1:PORT}), in the order of {@link #paths}. */
    List<HttpRequest> requests(URI origin, Duration timeout) {
        List<HttpRequest> out = new ArrayList<>(paths.size());
        String base = origin.getScheme() + "://" + origin.getRawAuthority();
        for (WeightedPath p : paths) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + p.path())).timeout(timeout)
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(h -> b.header(h.name(), h.value()));
            out.add(b.build());
        }
        return out;
    }

    /** {@code POST /a:3, /b:1 (2 headers, 120-byte body)}, for reports. */
    public String describe() {
        String ps = paths.size() == 1 ? paths.get(0).path() : paths.stream().map(WeightedPath::toString).collect(Collectors.joining(", "));
        List<String> extra = new ArrayList<>();
        if (!headers.isEmpty()) {
            extra.add(headers.size() + (headers.size() == 1 ? " header" : " headers"));
        }
        if (body != null) {
            extra.add(body.length + "-byte body");
        }
        return ("GET".equals(method) ? "" : method + " ") + ps + (extra.isEmpty() ? "" : " (" + String.join(", ", extra) + ")");
    }
}
