package dyno.router.cli;

import dyno.router.RouterConfig;
import dyno.router.tls.DevCertificate;
import dyno.router.tls.ServerTls;
import dyno.router.tls.TlsConfig;
import dyno.router.tls.TlsEngine;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The HTTPS listener's flags, the same on {@code dyno router} and {@code dyno up}, which both mix
 * this in:
 * <pre>{@code
 * dyno router --backend 127.0.0.1:5001 --tls-cert cert.pem --tls-key key.pem --tls-port 5443
 * dyno router --backend 127.0.0.1:5001 --tls-cert self-signed      # a development certificate for localhost
 * }</pre>
 * Plain HTTP keeps listening on {@code --port}; HTTPS listens on {@code --tls-port} of the same host.
 */
public final class TlsOptions {
    /** HTTPS port when {@code --tls-cert} is given without {@code --tls-port}. */
    public static final int DEFAULT_PORT = 5443;

    @Option(names = "--tls-cert", paramLabel = "FILE|self-signed",
            description = "Terminate TLS with this PEM certificate (and its chain, leaf first), or with a development"
                    + " certificate for localhost/127.0.0.1 made in .dyno/tls/ (self-signed). Plain HTTP stays on --port.")
    String cert;

    @Option(names = "--tls-key", paramLabel = "FILE",
            description = "The PEM private key of --tls-cert FILE (PKCS#8, RSA or EC; not encrypted).")
    String key;

    @Option(names = "--tls-port", paramLabel = "P",
            description = "Port of the HTTPS listener, on --host (default: " + DEFAULT_PORT + ").")
    String port;

    @Option(names = "--tls-engine", paramLabel = "auto|jdk|openssl",
            description = "TLS implementation: openssl (BoringSSL, from netty-tcnative), jdk, or auto: openssl where"
                    + " it loads (default: auto).")
    String engine;

    /**
     * Checks the flags given (the certificate and key are read and must match) and sets the TLS
     * listener on {@code builder}; without {@code --tls-cert}, none.
     *
     * @param devDir where {@code --tls-cert self-signed} keeps its certificate
     * @param plainPort the plain HTTP port, which the HTTPS one must differ from (unless 0)
     * @throws IllegalArgumentException naming the flag, the value or file, and what it takes
     */
    public RouterConfig.Builder applyTo(RouterConfig.Builder builder, Path devDir, int plainPort) {
        if (cert == null) {
            String stray = key != null ? "--tls-key" : port != null ? "--tls-port" : engine != null ? "--tls-engine" : null;
            if (stray != null) {
                throw new IllegalArgumentException(stray + ": needs --tls-cert (expected: --tls-cert FILE --tls-key FILE,"
                        + " or --tls-cert self-signed)");
            }
            return builder.tls(null);
        }
        TlsEngine tlsEngine = engine == null ? TlsEngine.AUTO : parseEngine(engine);
        int tlsPort = port == null ? DEFAULT_PORT : parsePort(port);
        if (tlsPort != 0 && tlsPort == plainPort) {
            throw new IllegalArgumentException("--tls-port: " + tlsPort + " is also the plain HTTP port (expected: another"
                    + " port than --port)");
        }
        Path certFile;
        Path keyFile;
        if (cert.strip().equals(DevCertificate.SELF_SIGNED)) {
            if (key != null) {
                throw new IllegalArgumentException("--tls-key: not with --tls-cert self-signed (expected: no --tls-key,"
                        + " or --tls-cert FILE)");
            }
            DevCertificate.PemPair dev;
            try {
                dev = DevCertificate.ensure(devDir);
            } catch (IllegalStateException e) {
                throw new IllegalArgumentException("--tls-cert: self-signed: " + e.getMessage());
            }
            certFile = dev.certificate();
            keyFile = dev.privateKey();
        } else {
            if (cert.isBlank()) {
                throw new IllegalArgumentException("--tls-cert: '' (expected: a PEM file, or self-signed)");
            }
            if (key == null || key.isBlank()) {
                throw new IllegalArgumentException("--tls-key: missing (expected: the PEM private key of --tls-cert "
                        + cert + ")");
            }
            certFile = Path.of(cert);
            keyFile = Path.of(key);
        }
        TlsConfig tls = new TlsConfig(tlsPort, certFile, keyFile, tlsEngine);
        ServerTls.load(tls, "--tls-cert", "--tls-key"); // read now: a bad file is a usage error, not a failed start
        return builder.tls(tls);
    }

    private static TlsEngine parseEngine(String value) {
        try {
            TlsEngine e = TlsEngine.parse(value);
            if (e == TlsEngine.OPENSSL && !TlsEngine.openSslAvailable()) {
                throw new IllegalArgumentException("tls-engine: '" + value + "': OpenSSL does not load on this machine"
                        + " (expected: auto or jdk)");
            }
            return e;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--" + e.getMessage());
        }
    }

    private static int parsePort(String value) {
        String v = value.strip();
        int n = v.matches("\\d{1,5}") ? Integer.parseInt(v) : -1;
        if (n < 0 || n > 65535) {
            throw new IllegalArgumentException("--tls-port: '" + value + "' (expected: a port from 0 to 65535)");
        }
        return n;
    }
}
