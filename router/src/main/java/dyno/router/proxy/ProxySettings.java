package dyno.router.proxy;

import dyno.router.RouterConfig;

/**
 * The settings of the proxy path that a reconfiguration may change, immutable: a client connection
 * reads them once per exchange (timeouts, limits), the acceptor once per connection (connection
 * limits, head size, HTTP/2 settings).
 */
final class ProxySettings {
    final long firstByteNanos;
    final long idleNanos;
    final long headerNanos;
    final long holdNanos;
    final int maxInFlightPerDyno;
    /** How long a request waits for room at a dyno; 0: no queue (H11 past the app's limit). */
    final long queueNanos;
    final int maxAttempts;
    final int maxConnections;
    final int maxConnectionsPerClient;
    final int maxHeadBytes;
    final int maxConcurrentStreams;
    final boolean affinity;

    ProxySettings(RouterConfig config) {
        firstByteNanos = config.firstByteTimeout().toNanos();
        idleNanos = config.idleTimeout().toNanos();
        headerNanos = config.headerTimeout().toNanos();
        holdNanos = config.holdTimeout().toNanos();
        maxInFlightPerDyno = config.maxInFlightPerDyno();
        queueNanos = config.queueTimeout().toNanos();
        maxAttempts = config.maxAttempts();
        maxConnections = config.maxConnections();
        maxConnectionsPerClient = config.maxConnectionsPerClient();
        maxHeadBytes = config.maxHeadBytes();
        maxConcurrentStreams = config.maxConcurrentStreams();
        affinity = config.affinity() == dyno.router.Affinity.COOKIE;
    }
}
