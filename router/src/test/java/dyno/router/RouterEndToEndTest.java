package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.RawHttp;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.TestBackend;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RouterEndToEndTest {
    private RouterFixture fx;

    @AfterEach
    void close() {
        if (fx != null) {
            fx.close();
        }
    }

    private static Map<String, String> headerLines(String body) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                map.put(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return map;
    }

    @Test
    void routesRoundRobinInRegistrationOrder() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        fx.addBackend("web.2");
        fx.addBackend("web.3");
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(fx.get("/").body());
        }
        assertThat(seen).containsExactly("web.1", "web.2", "web.3", "web.1", "web.2", "web.3");
    }

    @Test
    void addsForwardingHeadersToEachRequest() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        long before = System.currentTimeMillis();
        HttpResponse<String> res = fx.send(fx.request("/headers").header("X-Forwarded-For", "10.1.2.3").build(),
                HttpResponse.BodyHandlers.ofString());
        long after = System.currentTimeMillis();
        Map<String, String> h = headerLines(res.body());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(h.get("x-forwarded-for")).isEqualTo("10.1.2.3, 127.0.0.1");
        assertThat(h.get("x-forwarded-proto")).isEqualTo("http");
        assertThat(h.get("x-forwarded-port")).isEqualTo(Integer.toString(fx.router.port()));
        assertThat(Long.parseLong(h.get("x-request-start"))).isBetween(before, after);
        assertThat(h.get("via")).isEqualTo("1.1 dyno");
        assertThat(h.get("connect-time")).matches("\\d+");
        assertThat(h.get("total-route-time")).matches("\\d+");
        assertThat(h.get("x-request-id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
    }

    @Test
    void setsForwardedForToTheClientWhenAbsent() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        Map<String, String> h = headerLines(fx.get("/headers").body());
        assertThat(h.get("x-forwarded-for")).isEqualTo("127.0.0.1");
    }

    @Test
    void keepsAValidClientRequestId() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        String id = "abcDEF0123456789+/=-xyz";
        HttpResponse<String> res = fx.send(fx.request("/headers").header("X-Request-Id", id).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(headerLines(res.body()).get("x-request-id")).isEqualTo(id);
        assertThat(fx.lastLineFor("/headers")).contains("request_id=" + id);
    }

    @Test
    void replacesATooShortOrInvalidRequestId() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        for (String bad : List.of("short", "has spaces in it that are not allowed", "x".repeat(201),
                "semi;colon;is;not;allowed;here")) {
            HttpResponse<String> res = fx.send(fx.request("/headers").header("X-Request-Id", bad).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(headerLines(res.body()).get("x-request-id")).isNotEqualTo(bad).hasSize(36);
        }
    }

    @Test
    void stripsHopByHopHeadersAndThoseNamedInConnection() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        String res = RawHttp.exchange(fx.router.port(), "GET /headers HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close, X-Secret\r\nX-Secret: 1\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authorization: Basic eA==\r\nProxy-Connection: keep-alive\r\nTE: trailers\r\n"
                + "Trailer: X-T\r\nUpgrade: h2c\r\nX-Kept: yes\r\n\r\n");
        assertThat(res).startsWith("HTTP/1.1 200");
        String body = res.substring(res.indexOf("\r\n\r\n") + 4);
        Map<String, String> h = headerLines(body);
        assertThat(h).containsEntry("x-kept", "yes");
        assertThat(h).doesNotContainKeys("x-secret", "keep-alive", "proxy-authorization", "proxy-connection", "te",
                "trailer", "upgrade");
    }

    @Test
    void streamsAFiveMegabyteUpload() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        byte[] body = new byte[5 * 1024 * 1024];
        for (int i = 0; i < body.length; i++) {
            body[i] = (byte) (i * 31);
        }
        CRC32 crc = new CRC32();
        crc.update(body);
        HttpResponse<String> res = fx.send(fx.request("/upload").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo(body.length + " " + crc.getValue());
    }

    @Test
    void streamsAFiveMegabyteDownload() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        int n = 5 * 1024 * 1024;
        HttpResponse<InputStream> res = fx.send(fx.request("/download?n=" + n).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(res.statusCode()).isEqualTo(200);
        long count = 0;
        boolean patternOk = true;
        try (InputStream in = res.body()) {
            byte[] buf = new byte[65536];
            for (int r = in.read(buf); r >= 0; r = in.read(buf)) {
                for (int i = 0; i < r; i++) {
                    patternOk &= buf[i] == TestBackend.patternAt(count + i);
                }
                count += r;
            }
        }
        assertThat(count).isEqualTo(n);
        assertThat(patternOk).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.lastLineFor("/download?n=" + n) != null);
        assertThat(fx.lastLineFor("/download?n=" + n)).contains("bytes=" + n);
    }

    @Test
    void retriesTheNextDynoWhenConnectIsRefused() throws Exception {
        fx = new RouterFixture();
        fx.router.registry().add("web.1", RouterFixture.refusingAddress());
        fx.addBackend("web.2");
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> res = fx.get("/");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("web.2");
        }
    }

    @Test
    void answersH21WhenEveryDynoRefuses() throws Exception {
        fx = new RouterFixture();
        fx.router.registry().add("web.1", RouterFixture.refusingAddress());
        HttpResponse<String> res = fx.get("/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("H21");
        assertThat(fx.lastLineFor("/")).contains("code=H21");
    }

    @Test
    void answersH14WhenNoDynoIsRegistered() throws Exception {
        fx = new RouterFixture();
        HttpResponse<String> res = fx.get("/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("html"));
        assertThat(res.body()).contains("H14").contains("No web processes running");
        assertThat(fx.lastLineFor("/")).startsWith("at=error code=H14 desc=\"No web processes running\" method=GET "
                + "path=\"/\" host=127.0.0.1:" + fx.router.port() + " request_id=")
                .endsWith(" fwd=\"127.0.0.1\" dyno= connect= service= status=503 bytes= protocol=http");
    }

    @Test
    void answersH10WhenAllRegisteredDynosAreDown() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        fx.router.registry().markDown("web.1");
        HttpResponse<String> res = fx.get("/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("H10");
        fx.router.registry().markUp("web.1");
        assertThat(fx.get("/").statusCode()).isEqualTo(200);
    }

    @Test
    void answersH12WhenTheFirstByteTakesTooLong() throws Exception {
        fx = new RouterFixture(b -> b.firstByteTimeout(Duration.ofMillis(300)));
        fx.addBackend("web.1");
        HttpResponse<String> res = fx.get("/slow?ms=3000");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("H12"); // the dyno answers 200 after 3 s: the 503 H12 came before it
        assertThat(fx.lastLineFor("/slow?ms=3000")).contains("code=H12").contains("dyno=web.1");
    }

    @Test
    void answersH11WhenInFlightExceedsTheLimit() throws Exception {
        fx = new RouterFixture(b -> b.maxInFlightPerDyno(1));
        fx.addBackend("web.1");
        CompletableFuture<HttpResponse<String>> slow = fx.client().sendAsync(
                fx.request("/slow?ms=1500").build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.router.registry().inFlight("web.1") == 1);
        HttpResponse<String> rejected = fx.get("/");
        assertThat(rejected.statusCode()).isEqualTo(503);
        assertThat(rejected.body()).contains("H11");
        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void logsOneInfoLinePerRequest() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        fx.get("/hello?x=1");
        await().atMost(Duration.ofSeconds(5)).until(() -> fx.lastLineFor("/hello?x=1") != null);
        String line = fx.lastLineFor("/hello?x=1");
        assertThat(line).matches("at=info method=GET path=\"/hello\\?x=1\" host=127\\.0\\.0\\.1:\\d+ "
                + "request_id=[0-9a-f-]{36} fwd=\"127\\.0\\.0\\.1\" dyno=web\\.1 connect=\\d+ms service=\\d+ms "
                + "status=200 bytes=5 protocol=http");
        assertThat(fx.router.lastRequestAtMillis()).isCloseTo(System.currentTimeMillis(),
                org.assertj.core.data.Offset.offset(5000L));
    }

    @Test
    void drainsADynoWithoutFailingConcurrentRequests() throws Exception {
        fx = new RouterFixture();
        TestBackend first = fx.addBackend("web.1");
        fx.addBackend("web.2");
        int clients = 4;
        int perClient = 40;
        List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            runs.add(CompletableFuture.supplyAsync(() -> {
                List<Integer> statuses = new ArrayList<>();
                for (int i = 0; i < perClient; i++) {
                    try {
                        statuses.add(fx.get("/slow?ms=10").statusCode());
                    } catch (Exception e) {
                        statuses.add(-1);
                    }
                }
                return statuses;
            }));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> first.requests() >= 10);
        CompletableFuture<Void> drained = fx.router.registry().remove("web.1", Duration.ofSeconds(10));
        drained.get(10, TimeUnit.SECONDS);
        int servedAtDrain = first.requests();
        List<Integer> all = new ArrayList<>();
        for (CompletableFuture<List<Integer>> run : runs) {
            all.addAll(run.get(20, TimeUnit.SECONDS));
        }
        assertThat(all).hasSize(clients * perClient).containsOnly(200);
        assertThat(first.requests()).isEqualTo(servedAtDrain);
        assertThat(fx.router.registry().names()).containsExactly("web.2");
        assertThat(fx.router.registry().inFlight("web.1")).isZero();
    }

    @Test
    void releasesHeldRequestsWhenADynoRegisters() throws Exception {
        List<String> wakes = new java.util.concurrent.CopyOnWriteArrayList<>();
        fx = new RouterFixture(b -> b, new RouterListener() {
            @Override
            public void wakeRequested() {
                wakes.add(Thread.currentThread().getName());
            }
        });
        fx.router.registry().hold(true);
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            held.add(fx.client().sendAsync(fx.request("/").build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> wakes.size() == 1);
        Thread.sleep(200);
        assertThat(held).noneMatch(CompletableFuture::isDone);
        assertThat(wakes).hasSize(1);
        fx.addBackend("web.1");
        for (CompletableFuture<HttpResponse<String>> f : held) {
            HttpResponse<String> res = f.get(5, TimeUnit.SECONDS);
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.body()).isEqualTo("web.1");
        }
    }

    @Test
    void answersH20WhenAHeldRequestWaitsTooLong() throws Exception {
        fx = new RouterFixture(b -> b.holdTimeout(Duration.ofMillis(300)));
        fx.router.registry().hold(true);
        HttpResponse<String> res = fx.get("/");
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.body()).contains("H20");
        assertThat(fx.lastLineFor("/")).contains("code=H20");
    }

    @Test
    void servesHttp10ClientsAndClosesAfterTheResponse() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        String res = RawHttp.exchange(fx.router.port(), "GET / HTTP/1.0\r\n\r\n");
        assertThat(res).startsWith("HTTP/1.1 200").endsWith("web.1");
        String chunked = RawHttp.exchange(fx.router.port(), "GET /download?n=100 HTTP/1.0\r\n\r\n");
        assertThat(chunked).startsWith("HTTP/1.1 200").doesNotContainIgnoringCase("transfer-encoding")
                .endsWith("abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuv");
    }

    @Test
    void answersPipelinedRequestsInOrder() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        fx.addBackend("web.2");
        String res = RawHttp.exchange(fx.router.port(), "GET /slow?ms=200 HTTP/1.1\r\nHost: a\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: b\r\n\r\nGET / HTTP/1.1\r\nHost: c\r\nConnection: close\r\n\r\n");
        assertThat(Arrays.stream(res.split("HTTP/1.1 200 OK")).filter(s -> !s.isEmpty()).count()).isEqualTo(3);
        assertThat(res.indexOf("web.1")).isLessThan(res.indexOf("web.2"));
    }

    @Test
    void relaysExpectContinueBeforeTheBody() throws Exception {
        fx = new RouterFixture();
        fx.addBackend("web.1");
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", fx.router.port())) {
            s.setSoTimeout(5000);
            var out = s.getOutputStream();
            out.write(("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n"
                    + "Connection: close\r\n\r\n").getBytes());
            out.flush();
            byte[] buf = new byte[25];
            int n = s.getInputStream().read(buf);
            assertThat(new String(buf, 0, n)).startsWith("HTTP/1.1 100 Continue");
            out.write("hello".getBytes());
            out.flush();
            String rest = new String(s.getInputStream().readAllBytes());
            assertThat(rest).contains("200 OK").endsWith("5 907060870");
        }
    }
}
