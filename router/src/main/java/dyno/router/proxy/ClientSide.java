package dyno.router.proxy;

import io.netty.channel.Channel;

/**
 * What a {@link DynoExchange} needs from the client protocol that carries it (an HTTP/1.1
 * connection; later an HTTP/2 stream): where the request body comes from, and what follows the end
 * of the exchange. Called on the client channel's event loop only.
 */
interface ClientSide {
    /** The dyno connection is ready: hand the exchange the request body received so far. */
    void forwardQueued();

    /** The dyno connection can take more of the request body: read the client when nothing is queued. */
    void readRequestBody();

    /** {@link System#nanoTime()} of the last bytes received from the client. */
    long lastClientActivity();

    /** A response head is about to be written for a request that was (or was not) a HEAD. */
    void answering(boolean headRequest);

    /** The response was sent whole and the dyno connection released: the next request may start. */
    void exchangeComplete();

    /**
     * The exchange ended with {@code error}, already logged, its dyno connection closed. When
     * {@code canAnswer} nothing was sent to the client yet and an error page may be; else the
     * client's response is cut short.
     */
    void exchangeFailed(RouteError error, boolean canAnswer);

    /** The dyno answered 101 (relayed and logged): from now on bytes flow raw between the two channels. */
    void upgraded(Channel dyno, BackendHandler handler);
}
