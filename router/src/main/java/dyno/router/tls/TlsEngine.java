package dyno.router.tls;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslProvider;
import java.util.Locale;

/** Which TLS implementation terminates client connections. */
public enum TlsEngine {
    /** OpenSSL (BoringSSL, from netty-tcnative) when it loads on this machine, else the JDK's. */
    AUTO,
    /** The JDK's own {@code SSLEngine}. */
    JDK,
    /** BoringSSL through netty-tcnative; an error where it does not load. */
    OPENSSL;

    /** Parses {@code auto}, {@code jdk} or {@code openssl}. */
    public static TlsEngine parse(String value) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        return switch (v) {
            case "auto" -> AUTO;
            case "jdk" -> JDK;
            case "openssl" -> OPENSSL;
            default -> throw new IllegalArgumentException("tls-engine: '" + value + "' (expected: auto, jdk or openssl)");
        };
    }

    /** Whether the OpenSSL engine loads here. */
    public static boolean openSslAvailable() {
        return OpenSsl.isAvailable();
    }

    /** The Netty provider this choice means here. */
    SslProvider provider() {
        return switch (this) {
            case JDK -> SslProvider.JDK;
            case OPENSSL -> {
                if (!OpenSsl.isAvailable()) {
                    Throwable why = OpenSsl.unavailabilityCause();
                    throw new IllegalArgumentException("tls-engine: openssl is not available here ("
                            + (why == null ? "unknown reason" : why.getMessage()) + ") (expected: auto or jdk)");
                }
                yield SslProvider.OPENSSL;
            }
            case AUTO -> OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK;
        };
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
