package dyno.router.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.H2Client;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.TestBackend;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** HTTP/2 clients: h2 by ALPN with the JDK HttpClient, h2c with prior knowledge with a raw frame client. */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class Http2EndToEndTest {
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

    private static HttpClient h2() {
        return HttpClient.newBuilder().sslContext(trusting).version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    private static HttpRequest.Builder request(RouterFixture f, String path) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + f.router.tlsPort() + path))
                .timeout(Duration.ofSeconds(30));
    }

    @ParameterizedTest
    @CsvSource({"JDK", "OPENSSL"})
    void negotiatesH2ByAlpnAndSpeaksHttp11ToTheDyno(TlsEngine engine) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(engine != TlsEngine.OPENSSL || TlsEngine.openSslAvailable());
        try (RouterFixture f = router(engine)) {
            f.addBackend("web.1");
            HttpResponse<String> res = h2().send(request(f, "/headers").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).contains("x-forwarded-proto: https\n", "x-forwarded-port: " + f.router.tlsPort() + "\n",
                    "x-request-id: ", "via: 1.1 dyno\n").doesNotContain("x-http2-");
            assertThat(res.headers().firstValue("via")).hasValue("1.1 dyno");
            assertThat(f.lastLineFor("/headers")).contains("status=200", "protocol=http/2");
        }
    }

    @Test
    void streamsOfOneConnectionRouteIndependently() throws Exception {
        try (RouterFixture f = router(TlsEngine.AUTO)) {
            TestBackend one = f.addBackend("web.1");
            TestBackend two = f.addBackend("web.2");
            HttpClient client = h2();
            List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                all.add(client.sendAsync(request(f, "/slow?ms=50").build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (var r : all) {
                assertThat(r.get(30, TimeUnit.SECONDS).version()).isEqualTo(HttpClient.Version.HTTP_2);
            }
            assertThat(one.requests()).isEqualTo(10);
            assertThat(two.requests()).isEqualTo(10);
        }
    }

    @Test
    void bodiesStreamBothWaysWithinFlowControl() throws Exception {
        try (RouterFixture f = router(TlsEngine.AUTO)) {
            f.addBackend("web.1");
            byte[] body = new byte[4 * 1024 * 1024 + 3];
            new Random(11).nextBytes(body);
            CRC32 crc = new CRC32();
            crc.update(body);
            HttpClient client = h2();
            HttpResponse<String> up = client.send(request(f, "/upload").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(up.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(up.body()).isEqualTo(body.length + " " + crc.getValue());
            HttpResponse<byte[]> down = client.send(request(f, "/download?n=3000000").build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(down.body()).hasSize(3_000_000);
            assertThat(down.body()[2_999_999]).isEqualTo(TestBackend.patternAt(2_999_999));
        }
    }

    @Test
    void answersHerokuErrorsPerStream() throws Exception {
        try (RouterFixture f = router(TlsEngine.AUTO)) {
            HttpResponse<String> res = h2().send(request(f, "/none").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.version()).isEqualTo(HttpClient.Version.HTTP_2);
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("H14 No web processes running");
            assertThat(f.lastLineFor("/none")).contains("code=H14", "protocol=http/2");
        }
    }

    @Test
    void h2cWithPriorKnowledgeOnThePlainPort() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b.maxConcurrentStreams(7)); H2Client c = H2Client.connect(f.router.port())) {
            f.addBackend("web.1");
            assertThat(c.settings.get(10, TimeUnit.SECONDS).maxConcurrentStreams()).isEqualTo(7L);
            H2Client.Response res = c.get("/headers").get(20, TimeUnit.SECONDS);
            assertThat(res.status()).isEqualTo(200);
            assertThat(res.text()).contains("x-forwarded-proto: http\n", "host: localhost\n");
            H2Client.Response head = c.request("HEAD", "/", Map.of(), null).get(20, TimeUnit.SECONDS);
            assertThat(head.status()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            H2Client.Response post = c.request("POST", "/upload", Map.of(), new byte[] {1, 2, 3}).get(20, TimeUnit.SECONDS);
            assertThat(post.text()).startsWith("3 ");
            // HTTP/1.1 on the same port still works
            assertThat(f.get("/").body()).isEqualTo("web.1");
            assertThat(f.lastLineFor("/headers")).contains("protocol=http/2");
        }
    }

    @Test
    void aHeaderListPastTheHeadLimitIsRefusedAndTheConnectionGoesOn() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b); H2Client c = H2Client.connect(f.router.port())) {
            f.addBackend("web.1");
            c.settings.get(10, TimeUnit.SECONDS);
            H2Client.Response big = c.request("GET", "/", Map.of("x-big", "a".repeat(70 * 1024)), null)
                    .get(20, TimeUnit.SECONDS);
            assertThat(big.status() == 431 || big.resetCode() >= 0).as("431 or a reset: %s", big).isTrue();
            assertThat(c.get("/").get(20, TimeUnit.SECONDS).text()).isEqualTo("web.1");
        }
    }

    @Test
    void rapidResetClosesTheConnectionAndOthersAreServed() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b); H2Client c = H2Client.connect(f.router.port())) {
            f.addBackend("web.1");
            c.settings.get(10, TimeUnit.SECONDS);
            c.rapidReset(1000);
            // the router answers with GOAWAY (ENHANCE_YOUR_CALM) and closes; the GOAWAY itself may be lost
            // to the TCP reset of a close with the client's frames unread
            await().atMost(Duration.ofSeconds(30)).until(() -> !c.channel().isActive());
            Http2GoAwayFrame goAway = c.goAways.poll();
            if (goAway != null) {
                assertThat(goAway.errorCode()).isEqualTo(Http2Error.ENHANCE_YOUR_CALM.code());
                goAway.release();
            }
            try (H2Client other = H2Client.connect(f.router.port())) {
                assertThat(other.get("/").get(20, TimeUnit.SECONDS).text()).isEqualTo("web.1");
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> !f.router.busy()); // every reset exchange gave its dyno back
        }
    }

    @Test
    void aPingFloodThatIsNotReadIsCutOff() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b); H2Client c = H2Client.connect(f.router.port())) {
            f.addBackend("web.1");
            c.settings.get(10, TimeUnit.SECONDS);
            long sent = c.pingFlood(20_000_000); // 340 MB at most; the router gives up far sooner
            assertThat(c.channel().isActive()).as("closed after %s pings", sent).isFalse();
            try (H2Client other = H2Client.connect(f.router.port())) {
                assertThat(other.get("/").get(20, TimeUnit.SECONDS).text()).isEqualTo("web.1");
            }
        }
    }

    @Test
    void curlSpeaksH2cWithPriorKnowledge() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/curl")),
                "curl is not installed");
        try (RouterFixture f = new RouterFixture(b -> b)) {
            f.addBackend("web.1");
            Process curl = new ProcessBuilder("/usr/bin/curl", "-sS", "--max-time", "20", "--http2-prior-knowledge",
                    "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                    "http://127.0.0.1:" + f.router.port() + "/").redirectErrorStream(true).start();
            assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(curl.getInputStream().readAllBytes())).isEqualTo("200 2");
            assertThat(f.lastLineFor("/")).contains("protocol=http/2");
        }
    }

    @Test
    void anIdleConnectionIsClosedWithGoAwayOnlyWhenNoStreamIsOpen() throws Exception {
        try (RouterFixture f = new RouterFixture(b -> b.idleTimeout(Duration.ofMillis(700))
                .firstByteTimeout(Duration.ofSeconds(10))); H2Client c = H2Client.connect(f.router.port())) {
            f.addBackend("web.1");
            c.settings.get(10, TimeUnit.SECONDS);
            // a stream waiting for its response longer than the idle timeout keeps the connection
            assertThat(c.get("/slow?ms=1500").get(20, TimeUnit.SECONDS).text()).isEqualTo("web.1");
            Http2GoAwayFrame goAway = c.goAways.poll(20, TimeUnit.SECONDS);
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            goAway.release();
            await().atMost(Duration.ofSeconds(20)).until(() -> !c.channel().isActive());
        }
    }

    @Test
    void closingTheRouterSendsGoAwayAndLetsStreamsUnderWayFinish() throws Exception {
        RouterFixture f = new RouterFixture(b -> b);
        try (H2Client c = H2Client.connect(f.router.port())) {
            f.addBackend("web.1");
            c.settings.get(10, TimeUnit.SECONDS);
            CompletableFuture<H2Client.Response> slow = c.get("/slow?ms=1500");
            await().atMost(Duration.ofSeconds(20)).until(f.router::busy);
            CompletableFuture<Void> closed = CompletableFuture.runAsync(f::close);
            Http2GoAwayFrame goAway = c.goAways.poll(20, TimeUnit.SECONDS);
            assertThat(goAway).isNotNull();
            assertThat(goAway.errorCode()).isEqualTo(Http2Error.NO_ERROR.code());
            goAway.release();
            assertThat(slow.get(20, TimeUnit.SECONDS).text()).isEqualTo("web.1");
            closed.get(30, TimeUnit.SECONDS);
        } finally {
            f.close();
        }
    }
}
