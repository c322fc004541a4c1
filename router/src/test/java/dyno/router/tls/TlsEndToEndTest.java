package dyno.router.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.router.testing.RouterFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTPS clients through the router's TLS listener, with both engines and both protocol versions. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsEndToEndTest {
    @TempDir
    static Path dir;
    static DevCertificate.PemPair cert;
    static SSLContext trusting;

    @BeforeAll
    static void certificate() throws Exception {
        cert = DevCertificate.ensure(dir);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = java.nio.file.Files.newInputStream(cert.certificate())) {
            trust.setCertificateEntry("dev", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    private static RouterFixture router(TlsEngine engine) {
        return new RouterFixture(b -> b.tls(new TlsConfig(0, cert.certificate(), cert.privateKey(), engine)));
    }

    private static HttpClient client(String protocol) {
        SSLParameters params = new SSLParameters();
        params.setProtocols(new String[] {protocol});
        return HttpClient.newBuilder().sslContext(trusting).sslParameters(params)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpRequest.Builder request(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource({"JDK, TLSv1.2", "JDK, TLSv1.3", "OPENSSL, TLSv1.2", "OPENSSL, TLSv1.3"})
    void terminatesTlsAndTellsTheDynoItWasHttps(TlsEngine engine, String protocol) throws Exception {
        assumeTrue(engine != TlsEngine.OPENSSL || TlsEngine.openSslAvailable(), "OpenSSL does not load here");
        try (RouterFixture f = router(engine)) {
            f.addBackend("web.1");
            int tlsPort = f.router.tlsPort();
            assertThat(f.router.tlsEngine()).isEqualTo(engine.toString());
            HttpResponse<String> res = client(protocol).send(request("https://127.0.0.1:" + tlsPort + "/headers").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.sslSession()).hasValueSatisfying(s -> {
                assertThat(s.getProtocol()).isEqualTo(protocol);
                assertThat(ServerTls.CIPHERS).contains(s.getCipherSuite());
            });
            assertThat(res.body()).contains("x-forwarded-proto: https\n", "x-forwarded-port: " + tlsPort + "\n");
            assertThat(res.headers().firstValue("via")).hasValue("1.1 dyno");

            // the plain listener keeps answering plain HTTP, as http
            HttpResponse<String> plain = f.get("/headers");
            assertThat(plain.body()).contains("x-forwarded-proto: http\n", "x-forwarded-port: " + f.router.port() + "\n");
            assertThat(f.lastLineFor("/headers")).contains("protocol=http");
            assertThat(f.accessLines).anySatisfy(l -> assertThat(l).contains("path=\"/headers\"", "protocol=https"));
        }
    }

    @ParameterizedTest
    @CsvSource({"JDK", "OPENSSL"})
    void streamsABodyBothWaysOverTls(TlsEngine engine) throws Exception {
        assumeTrue(engine != TlsEngine.OPENSSL || TlsEngine.openSslAvailable(), "OpenSSL does not load here");
        try (RouterFixture f = router(engine)) {
            f.addBackend("web.1");
            byte[] body = new byte[3 * 1024 * 1024 + 17];
            new Random(7).nextBytes(body);
            CRC32 crc = new CRC32();
            crc.update(body);
            HttpClient client = client("TLSv1.3");
            String base = "https://127.0.0.1:" + f.router.tlsPort();
            HttpResponse<String> up = client.send(request(base + "/upload")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(up.body()).isEqualTo(body.length + " " + crc.getValue());
            HttpResponse<byte[]> down = client.send(request(base + "/download?n=2000000").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(down.body()).hasSize(2_000_000);
            assertThat(down.body()[1_999_999]).isEqualTo(dyno.router.testing.TestBackend.patternAt(1_999_999));
        }
    }

    @ParameterizedTest
    @CsvSource({"JDK", "OPENSSL"})
    void refusesCbcAndRsaKeyExchangeSuites(TlsEngine engine) {
        assumeTrue(engine != TlsEngine.OPENSSL || TlsEngine.openSslAvailable(), "OpenSSL does not load here");
        try (RouterFixture f = router(engine)) {
            SSLParameters params = new SSLParameters();
            params.setProtocols(new String[] {"TLSv1.2"});
            params.setCipherSuites(new String[] {"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", "TLS_RSA_WITH_AES_128_GCM_SHA256"});
            HttpClient weak = HttpClient.newBuilder().sslContext(trusting).sslParameters(params)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            assertThatThrownBy(() -> weak.send(request("https://127.0.0.1:" + f.router.tlsPort() + "/").build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
        }
    }

    @Test
    void aClientPastTheConnectionLimitGets503OverTls() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b.maxConnections(1)
                .tls(new TlsConfig(0, cert.certificate(), cert.privateKey(), TlsEngine.AUTO)))) {
            f.addBackend("web.1");
            try (javax.net.ssl.SSLSocket held = (javax.net.ssl.SSLSocket) trusting.getSocketFactory()
                    .createSocket("127.0.0.1", f.router.tlsPort())) {
                held.setSoTimeout(20_000);
                held.startHandshake(); // holds the one place
                HttpResponse<String> res = client("TLSv1.3").send(request("https://127.0.0.1:" + f.router.tlsPort()
                        + "/").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).isEqualTo(503);
                assertThat(res.body()).isEqualTo("Too many connections\n");
            }
        }
    }

    @Test
    void aReconfigurationKeepsTheTlsListenerAndSaysTlsNeedsARestart() throws Exception {
        try (RouterFixture f = router(TlsEngine.JDK)) {
            f.addBackend("web.1");
            int tlsPort = f.router.tlsPort();
            var result = f.router.reconfigure(f.router.config().toBuilder().tls(null).idleTimeout(Duration.ofSeconds(40))
                    .build());
            assertThat(result.needRestart()).contains("tls");
            assertThat(f.router.config().tls()).isNotNull();
            assertThat(f.router.tlsPort()).isEqualTo(tlsPort);
            assertThat(client("TLSv1.3").send(request("https://127.0.0.1:" + tlsPort + "/").build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("web.1");
        }
    }

    @Test
    void plainHttpOnTheTlsPortIsClosedAndTheListenerGoesOn() throws Exception {
        try (RouterFixture f = router(TlsEngine.JDK)) {
            f.addBackend("web.1");
            try (Socket s = new Socket(InetAddress.getByName("127.0.0.1"), f.router.tlsPort())) {
                s.setSoTimeout(20_000);
                OutputStream out = s.getOutputStream();
                out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                byte[] buf = new byte[4096];
                try {
                    while (in.read(buf) >= 0) {
                        // a TLS alert at most, then the end
                    }
                } catch (IOException e) {
                    // a reset ends it too
                }
            }
            HttpResponse<String> res = client("TLSv1.3").send(request("https://127.0.0.1:" + f.router.tlsPort() + "/")
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).isEqualTo("web.1");
        }
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateFailsTheHandshake() throws Exception {
        try (RouterFixture f = router(TlsEngine.AUTO)) {
            f.addBackend("web.1");
            HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertThatThrownBy(() -> untrusting.send(request("https://127.0.0.1:" + f.router.tlsPort() + "/").build(),
                    HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            assertThat(client("TLSv1.2").send(request("https://localhost:" + f.router.tlsPort() + "/").build(),
                    HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("web.1");
        }
    }

    @Test
    @EnabledOnOs(value = OS.LINUX, architectures = "amd64")
    void theOpenSslEngineLoadsOnLinuxX64() {
        assertThat(TlsEngine.openSslAvailable()).as("netty-tcnative-boringssl-static loads").isTrue();
        assertThat(TlsEngine.AUTO.provider()).isEqualTo(io.netty.handler.ssl.SslProvider.OPENSSL);
    }
}
