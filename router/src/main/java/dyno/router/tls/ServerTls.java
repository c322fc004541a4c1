package dyno.router.tls;

import static java.util.Objects.requireNonNull;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * A checked certificate and the server {@link SslContext} made from it: TLS 1.3 and 1.2 only, with
 * Mozilla's "intermediate" ciphers (TLS 1.3's suites; for 1.2 only ECDHE with AES-GCM or
 * ChaCha20-Poly1305: forward secrecy, AEAD, no CBC, no RSA key exchange), those the engine has;
 * ALPN offers {@code h2} then {@code http/1.1}.
 * <pre>{@code
 * ServerTls tls = ServerTls.load(config.tls(), "--tls-cert", "--tls-key");
 * ch.pipeline().addFirst(tls.context().newHandler(ch.alloc()));
 * }</pre>
 */
public final class ServerTls {
    /** The protocol versions offered. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The cipher suites offered, in order of preference (the server's). */
    public static final List<String> CIPHERS = List.of(
            "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    private final SslContext context;
    private final X509Certificate certificate;
    private final SslProvider provider;

    private ServerTls(SslContext context, X509Certificate certificate, SslProvider provider) {
        this.context = context;
        this.certificate = certificate;
        this.provider = provider;
    }

    /**
     * Reads and checks the files of {@code config} (PEM, the key matching the certificate) and makes
     * the context.
     *
     * @param certName how errors name the certificate file (a flag such as {@code --tls-cert})
     * @param keyName how errors name the key file
     * @throws IllegalArgumentException one line naming the file and the problem
     */
    public static ServerTls load(TlsConfig config, String certName, String keyName) {
        requireNonNull(config, "config");
        List<X509Certificate> chain = PemFiles.certificates(config.certificateChain(), certName);
        PrivateKey key = PemFiles.privateKey(config.privateKey(), keyName);
        PemFiles.checkPair(chain.get(0), key, keyName, config.privateKey());
        SslProvider provider = config.engine().provider();
        try {
            SslContext context = SslContextBuilder.forServer(key, chain.toArray(X509Certificate[]::new))
                    .sslProvider(provider)
                    .protocols(PROTOCOLS)
                    .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                            ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1))
                    .build();
            return new ServerTls(context, chain.get(0), provider);
        } catch (SSLException | RuntimeException e) {
            throw new IllegalArgumentException(certName + ": " + config.certificateChain()
                    + ": cannot be used for TLS (" + e.getMessage() + ")");
        }
    }

    public SslContext context() {
        return context;
    }

    /** The leaf certificate. */
    public X509Certificate certificate() {
        return certificate;
    }

    /** {@code openssl} or {@code jdk}. */
    public String engine() {
        return provider == SslProvider.JDK ? "jdk" : "openssl";
    }

    /** Whether the certificate is outside its validity period at {@code now}. */
    public boolean expiredAt(Date now) {
        return now.after(certificate.getNotAfter()) || now.before(certificate.getNotBefore());
    }
}
