package dyno.router.tls;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * An HTTPS listener: its port and its certificate. The files are PEM: the certificate first, then
 * any intermediates (a chain); an unencrypted private key (PKCS#8 {@code PRIVATE KEY}, or
 * {@code RSA PRIVATE KEY} / {@code EC PRIVATE KEY}). They are read when the router starts.
 *
 * @param port port of the HTTPS listener, on the router's host (0: any free port)
 * @param certificateChain PEM file with the certificate and its chain
 * @param privateKey PEM file with the certificate's private key
 * @param engine the TLS implementation
 */
public record TlsConfig(int port, Path certificateChain, Path privateKey, TlsEngine engine) {
    public TlsConfig {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("tls.port: " + port + " (expected: 0..65535)");
        }
        requireNonNull(certificateChain, "certificateChain");
        requireNonNull(privateKey, "privateKey");
        requireNonNull(engine, "engine");
    }
}
