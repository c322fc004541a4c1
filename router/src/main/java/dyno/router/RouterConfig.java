package dyno.router;

import static java.util.Objects.requireNonNull;

import dyno.router.health.ExpectedStatus;
import dyno.router.tls.TlsConfig;
import java.time.Duration;

/**
 * Everything a {@link Router} can be told. Defaults are Heroku's documented values:
 * <pre>{@code
 * RouterConfig config = RouterConfig.defaults().toBuilder().port(0).healthPath("/health").build();
 * }</pre>
 */
public record RouterConfig(
        String host,
        int port,
        int threads,
        String healthPath,
        Duration healthInterval,
        Duration healthTimeout,
        int fall,
        int rise,
        ExpectedStatus healthStatus,
        String healthHost,
        Duration quarantine,
        int maxAttempts,
        Duration connectTimeout,
        Duration firstByteTimeout,
        Duration idleTimeout,
        Duration headerTimeout,
        Duration holdTimeout,
        int maxHeld,
        int maxInFlightPerDyno,
        int maxConnections,
        int maxConnectionsPerClient,
        int maxHeadBytes,
        Duration dynoKeepAlive,
        AccessLogSink accessLog,
        RequestObserver observer,
        Balance balance,
        Duration slowStart,
        Duration queueTimeout,
        TlsConfig tls,
        int maxConcurrentStreams,
        Affinity affinity) {

    public RouterConfig {
        requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host: \"" + host + "\" (expected: a host name or address)");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 0..65535)");
        }
        if (threads < 1 || threads > 1024) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: 1..1024)");
        }
        if (healthPath != null && !healthPath.startsWith("/")) {
            throw new IllegalArgumentException("healthPath: \"" + healthPath + "\" (expected: a path starting with /)");
        }
        requireNonNull(healthStatus, "healthStatus");
        if (healthHost != null && (healthHost.isBlank() || !healthHost.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            throw new IllegalArgumentException("healthHost: \"" + healthHost + "\" (expected: a host name, or null)");
        }
        positive(healthInterval, "healthInterval");
        positive(healthTimeout, "healthTimeout");
        positive(quarantine, "quarantine");
        positive(connectTimeout, "connectTimeout");
        positive(firstByteTimeout, "firstByteTimeout");
        positive(idleTimeout, "idleTimeout");
        positive(headerTimeout, "headerTimeout");
        positive(holdTimeout, "holdTimeout");
        atLeastOne(fall, "fall");
        atLeastOne(rise, "rise");
        atLeastOne(maxAttempts, "maxAttempts");
        atLeastOne(maxInFlightPerDyno, "maxInFlightPerDyno");
        atLeastOne(maxConnections, "maxConnections");
        atLeastOne(maxConnectionsPerClient, "maxConnectionsPerClient");
        if (maxHeadBytes < MIN_HEAD_BYTES || maxHeadBytes > MAX_HEAD_BYTES) {
            throw new IllegalArgumentException("maxHeadBytes: " + maxHeadBytes + " (expected: " + MIN_HEAD_BYTES
                    + ".." + MAX_HEAD_BYTES + ")");
        }
        positive(dynoKeepAlive, "dynoKeepAlive");
        if (maxHeld < 0) {
            throw new IllegalArgumentException("maxHeld: " + maxHeld + " (expected: >= 0)");
        }
        requireNonNull(accessLog, "accessLog");
        requireNonNull(observer, "observer");
        requireNonNull(balance, "balance");
        requireNonNull(slowStart, "slowStart");
        if (slowStart.isNegative() || slowStart.compareTo(Duration.ofHours(1)) > 0) {
            throw new IllegalArgumentException("slowStart: " + slowStart + " (expected: 0 to 1h)");
        }
        requireNonNull(queueTimeout, "queueTimeout");
        if (queueTimeout.isNegative() || queueTimeout.compareTo(Duration.ofHours(24)) > 0) {
            throw new IllegalArgumentException("queueTimeout: " + queueTimeout + " (expected: 0 to 24h)");
        }
        requireNonNull(affinity, "affinity");
        if (maxConcurrentStreams < 1 || maxConcurrentStreams > MAX_CONCURRENT_STREAMS) {
            throw new IllegalArgumentException("maxConcurrentStreams: " + maxConcurrentStreams + " (expected: 1.."
                    + MAX_CONCURRENT_STREAMS + ")");
        }
    }

    /** Smallest head limit: a request line of 8 KB must fit, with room for headers. */
    public static final int MIN_HEAD_BYTES = 16 * 1024;
    /** Largest head limit. */
    public static final int MAX_HEAD_BYTES = 16 * 1024 * 1024;
    /** Largest HTTP/2 stream limit. */
    public static final int MAX_CONCURRENT_STREAMS = 10_000;

    /**
     * Heroku's values, port 5006 on 127.0.0.1, one event loop per core, no active health checks; a
     * request head must arrive within 10 s (of the accept, or of its first byte on a kept-alive
     * connection); at most 10000 client connections are open at once, 1000 from one address; a
     * request or response head is at most 64 KB; an idle pooled dyno connection is closed after 2 s; no HTTPS listener; 100 concurrent streams
     * per HTTP/2 connection; no session affinity.
     */
    public static RouterConfig defaults() {
        return new RouterConfig("127.0.0.1", 5006, Runtime.getRuntime().availableProcessors(), null,
                Duration.ofSeconds(5), Duration.ofSeconds(2), 3, 2, ExpectedStatus.BELOW_500, null, Duration.ofSeconds(5), 10,
                Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(55), Duration.ofSeconds(10),
                Duration.ofSeconds(75), 1000, 200, 10_000, 1000, 64 * 1024, Duration.ofSeconds(2), AccessLogSink.slf4j(), RequestObserver.NONE,
                Balance.ROUND_ROBIN, Duration.ZERO, Duration.ZERO, null, 100, Affinity.NONE);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return defaults().toBuilder();
    }

    /** A builder starting from this configuration. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    private static void positive(Duration d, String name) {
        requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + ": " + d + " (expected: > 0)");
        }
    }

    private static void atLeastOne(int value, String name) {
        if (value < 1) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: >= 1)");
        }
    }

    /** Mutable copy of a configuration; {@link #build()} validates. */
    public static final class Builder {
        private String host;
        private int port;
        private int threads;
        private String healthPath;
        private Duration healthInterval;
        private Duration healthTimeout;
        private int fall;
        private int rise;
        private ExpectedStatus healthStatus;
        private String healthHost;
        private Duration quarantine;
        private int maxAttempts;
        private Duration connectTimeout;
        private Duration firstByteTimeout;
        private Duration idleTimeout;
        private Duration headerTimeout;
        private Duration holdTimeout;
        private int maxHeld;
        private int maxInFlightPerDyno;
        private int maxConnections;
        private int maxConnectionsPerClient;
        private int maxHeadBytes;
        private Duration dynoKeepAlive;
        private AccessLogSink accessLog;
        private RequestObserver observer;
        private Balance balance;
        private Duration slowStart;
        private Duration queueTimeout;
        private TlsConfig tls;
        private int maxConcurrentStreams;
        private Affinity affinity;

        private Builder(RouterConfig c) {
            host = c.host;
            port = c.port;
            threads = c.threads;
            healthPath = c.healthPath;
            healthInterval = c.healthInterval;
            healthTimeout = c.healthTimeout;
            fall = c.fall;
            rise = c.rise;
            healthStatus = c.healthStatus;
            healthHost = c.healthHost;
            quarantine = c.quarantine;
            maxAttempts = c.maxAttempts;
            connectTimeout = c.connectTimeout;
            firstByteTimeout = c.firstByteTimeout;
            idleTimeout = c.idleTimeout;
            headerTimeout = c.headerTimeout;
            holdTimeout = c.holdTimeout;
            maxHeld = c.maxHeld;
            maxInFlightPerDyno = c.maxInFlightPerDyno;
            maxConnections = c.maxConnections;
            maxConnectionsPerClient = c.maxConnectionsPerClient;
            maxHeadBytes = c.maxHeadBytes;
            dynoKeepAlive = c.dynoKeepAlive;
            accessLog = c.accessLog;
            observer = c.observer;
            balance = c.balance;
            slowStart = c.slowStart;
            queueTimeout = c.queueTimeout;
            tls = c.tls;
            maxConcurrentStreams = c.maxConcurrentStreams;
            affinity = c.affinity;
        }

        /** Address to bind. */
        public Builder host(String host) { this.host = host; return this; }
        /** Port to bind; 0 picks a free one. */
        public Builder port(int port) { this.port = port; return this; }
        /** Event loop threads. */
        public Builder threads(int threads) { this.threads = threads; return this; }
        /** Path of active HTTP health checks; null disables them. */
        public Builder healthPath(String healthPath) { this.healthPath = healthPath; return this; }
        /** Time between two checks of one dyno. */
        public Builder healthInterval(Duration d) { this.healthInterval = d; return this; }
        /** Time a check may take before it counts as failed. */
        public Builder healthTimeout(Duration d) { this.healthTimeout = d; return this; }
        /** Consecutive failed checks that take a dyno out. */
        public Builder fall(int fall) { this.fall = fall; return this; }
        /** Consecutive passed checks that bring a dyno back. */
        public Builder rise(int rise) { this.rise = rise; return this; }
        /** Statuses a check accepts; any below 500 by default. */
        public Builder healthStatus(ExpectedStatus s) { this.healthStatus = s; return this; }
        /** Host header of checks; null (the default) sends the dyno's {@code address:port}. */
        public Builder healthHost(String host) { this.healthHost = host; return this; }
        /** How long a dyno gets no traffic after a refused or timed-out connect. */
        public Builder quarantine(Duration d) { this.quarantine = d; return this; }
        /** Connect attempts per request, over successive dynos. */
        public Builder maxAttempts(int n) { this.maxAttempts = n; return this; }
        /** Connect timeout (H19). */
        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }
        /** Time for the dyno's first response byte once the request is sent (H12). */
        public Builder firstByteTimeout(Duration d) { this.firstByteTimeout = d; return this; }
        /** Idle time on either side once the exchange is under way (H15, H28); also keep-alive idle. */
        public Builder idleTimeout(Duration d) { this.idleTimeout = d; return this; }
        /**
         * Time for a request head to arrive, from the accept (first request) or from its first byte
         * (later ones); a client slower than that (a slowloris) gets 408 and is closed.
         */
        public Builder headerTimeout(Duration d) { this.headerTimeout = d; return this; }
        /** Longest wait of a held request (H20). */
        public Builder holdTimeout(Duration d) { this.holdTimeout = d; return this; }
        /** Most requests held at once; beyond it H11. */
        public Builder maxHeld(int n) { this.maxHeld = n; return this; }
        /** In-flight requests allowed per up dyno before H11. */
        public Builder maxInFlightPerDyno(int n) { this.maxInFlightPerDyno = n; return this; }
        /** Client connections open at once; a connection past it is answered 503 and closed. */
        public Builder maxConnections(int n) { this.maxConnections = n; return this; }
        /** Client connections open at once from one address; past it, 503 and closed. */
        public Builder maxConnectionsPerClient(int n) { this.maxConnectionsPerClient = n; return this; }
        /** Largest request or response head (start line and headers): else 431, or 502 H17 for a dyno. */
        public Builder maxHeadBytes(int n) { this.maxHeadBytes = n; return this; }
        /**
         * How long an unused dyno connection stays in the pool: shorter than the apps' own keep-alive
         * (Node 5 s, gunicorn 2 s), so the router rarely reuses a connection the dyno is closing.
         */
        public Builder dynoKeepAlive(Duration d) { this.dynoKeepAlive = d; return this; }
        /** Where access lines go. */
        public Builder accessLog(AccessLogSink sink) { this.accessLog = sink; return this; }
        /** Told about every finished request (metrics); {@link RequestObserver#NONE} by default. */
        public Builder observer(RequestObserver observer) { this.observer = observer; return this; }
        /** How requests are spread over the dynos. */
        public Builder balance(Balance balance) { this.balance = balance; return this; }
        /** How long a dyno's share ramps up after it becomes eligible (HAProxy's slowstart); zero: at once. */
        public Builder slowStart(Duration d) { this.slowStart = d; return this; }
        /**
         * How long a request may wait for a dyno with fewer than maxInFlightPerDyno requests in flight
         * (HAProxy's queue behind maxconn); zero: no queue, past the app's limit H11 at once.
         */
        public Builder queueTimeout(Duration d) { this.queueTimeout = d; return this; }
        /** An HTTPS listener besides the plain one; null (the default) for none. */
        public Builder tls(TlsConfig tls) { this.tls = tls; return this; }
        /** Streams (requests) open at once on one HTTP/2 client connection; more are refused (REFUSED_STREAM). */
        public Builder maxConcurrentStreams(int n) { this.maxConcurrentStreams = n; return this; }
        /** Session affinity; {@link Affinity#NONE} by default. */
        public Builder affinity(Affinity affinity) { this.affinity = affinity; return this; }

        /** Validates and builds. */
        public RouterConfig build() {
            return new RouterConfig(host, port, threads, healthPath, healthInterval, healthTimeout, fall, rise,
                    healthStatus, healthHost, quarantine, maxAttempts, connectTimeout, firstByteTimeout, idleTimeout, headerTimeout,
                    holdTimeout, maxHeld, maxInFlightPerDyno, maxConnections, maxConnectionsPerClient, maxHeadBytes, dynoKeepAlive, accessLog, observer,
                    balance, slowStart, queueTimeout, tls, maxConcurrentStreams, affinity);
        }
    }
}
