package dyno.router.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * Where a client connection comes from and where it reached the router: the values of
 * {@code X-Forwarded-For}, {@code X-Forwarded-Proto}, {@code X-Forwarded-Port} and of the {@code Host} given to an HTTP/1.0
 * request without one. Made once per connection.
 *
 * @param ip the client's address, as text
 * @param localHost the router's address as the client reached it, {@code ip:port} ({@code [ip6]:port})
 * @param localPort the router port the client connected to
 * @param secure whether the client came through TLS ({@code X-Forwarded-Proto: https})
 * @param http2 whether the request came on an HTTP/2 stream (access line {@code protocol=http/2})
 */
record ClientAddress(String ip, String localHost, int localPort, boolean secure, boolean http2) {
    static final ClientAddress UNKNOWN = new ClientAddress("", "", 0, false, false);

    /** The address of a stream on an HTTP/2 connection from here. */
    ClientAddress http2Stream() {
        return new ClientAddress(ip, localHost, localPort, secure, true);
    }

    static ClientAddress of(SocketAddress remote, SocketAddress local, boolean secure) {
        String ip = "";
        if (remote instanceof InetSocketAddress r) {
            ip = r.getAddress() != null ? r.getAddress().getHostAddress() : r.getHostString();
        }
        String localHost = "";
        int localPort = 0;
        if (local instanceof InetSocketAddress l) {
            localPort = l.getPort();
            String lip = l.getAddress() != null ? l.getAddress().getHostAddress() : l.getHostString();
            localHost = (lip.indexOf(':') >= 0 ? "[" + lip + "]" : lip) + ":" + localPort;
        }
        return new ClientAddress(ip, localHost, localPort, secure, false);
    }
}
