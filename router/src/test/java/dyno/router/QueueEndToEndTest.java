package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dyno.router.testing.RouterFixture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * HAProxy's maxconn and queue ({@code --max-inflight-per-dyno N --queue-timeout D}): no dyno ever has
 * more than N requests at once, the others wait for the first dyno to free up, and one that waited
 * too long gets H11. Real backends that count how many requests they serve at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class QueueEndToEndTest {

    /** An HTTP server on 127.0.0.1 answering its name after {@code millis}, counting concurrent requests. */
    static final class CountingBackend implements AutoCloseable {
        final HttpServer server;
        final AtomicInteger current = new AtomicInteger();
        final AtomicInteger most = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();

        CountingBackend(String name, long millis) throws Exception {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            server.setExecutor(Executors.newFixedThreadPool(16));
            byte[] body = name.getBytes(StandardCharsets.UTF_8);
            server.createContext("/", ex -> {
                try (ex) {
                    most.accumulateAndGet(current.incrementAndGet(), Math::max);
                    try {
                        Thread.sleep(millis);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    current.decrementAndGet();
                    served.incrementAndGet();
                    ex.sendResponseHeaders(200, body.length);
                    ex.getResponseBody().write(body);
                }
            });
            server.start();
        }

        InetSocketAddress address() {
            return server.getAddress();
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }

    @Test
    void requestsWaitForTheFirstFreeDynoAndNoneHasMoreThanItsLimit() throws Exception {
        try (CountingBackend a = new CountingBackend("a", 100); CountingBackend b = new CountingBackend("b", 100);
             RouterFixture f = new RouterFixture(c -> c.maxInFlightPerDyno(1).queueTimeout(Duration.ofSeconds(30)))) {
            f.router.registry().add("web.1", a.address());
            f.router.registry().add("web.2", b.address());
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                sent.add(f.client().sendAsync(f.request("/").build(), HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> r : sent) {
                HttpResponse<String> res = r.get(40, TimeUnit.SECONDS);
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
            }
            assertThat(a.most.get()).as("most requests at once on a").isEqualTo(1);
            assertThat(b.most.get()).as("most requests at once on b").isEqualTo(1);
            assertThat(a.served.get() + b.served.get()).isEqualTo(12);
            assertThat(a.served.get()).isPositive();
            assertThat(b.served.get()).isPositive();
        }
    }

    @Test
    void aRequestQueuedPastTheTimeoutGetsH11() throws Exception {
        try (CountingBackend slow = new CountingBackend("slow", 3000);
             RouterFixture f = new RouterFixture(c -> c.maxInFlightPerDyno(1).queueTimeout(Duration.ofMillis(300)))) {
            f.router.registry().add("web.1", slow.address());
            CompletableFuture<HttpResponse<String>> first = f.client().sendAsync(f.request("/first").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (slow.current.get() == 0) {
                Thread.sleep(10);
            }
            HttpResponse<String> queued = f.get("/queued");
            assertThat(queued.statusCode()).isEqualTo(503);
            assertThat(f.lastLineFor("/queued")).contains("code=H11").contains("queued past --queue-timeout");
            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(slow.served.get()).as("the queued request never reached the dyno").isEqualTo(1);
        }
    }

    @Test
    void aFullQueueAnswersH11AtOnce() throws Exception {
        try (CountingBackend slow = new CountingBackend("slow", 3000);
             RouterFixture f = new RouterFixture(c -> c.maxInFlightPerDyno(1).maxHeld(1)
                     .queueTimeout(Duration.ofSeconds(20)))) {
            f.router.registry().add("web.1", slow.address());
            CompletableFuture<HttpResponse<String>> first = f.client().sendAsync(f.request("/first").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (slow.current.get() == 0) {
                Thread.sleep(10);
            }
            CompletableFuture<HttpResponse<String>> waiting = f.client().sendAsync(f.request("/waiting").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (f.router.registry().queued() == 0) {
                Thread.sleep(10);
            }
            HttpResponse<String> third = f.get("/third"); // the queue holds one: no room for it
            assertThat(third.statusCode()).isEqualTo(503);
            assertThat(f.lastLineFor("/third")).contains("code=H11").contains("queue full");
            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).as("the queued one is served next").isEqualTo(200);
            assertThat(slow.most.get()).isEqualTo(1);
        }
    }

    /** A client that hangs up while its request waits leaves the queue: its place is not handed to nobody. */
    @Test
    void aClientThatLeavesWhileQueuedGivesUpItsPlace() throws Exception {
        try (CountingBackend slow = new CountingBackend("slow", 1500);
             RouterFixture f = new RouterFixture(c -> c.maxInFlightPerDyno(1).queueTimeout(Duration.ofSeconds(20)))) {
            f.router.registry().add("web.1", slow.address());
            CompletableFuture<HttpResponse<String>> first = f.client().sendAsync(f.request("/first").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (slow.current.get() == 0) {
                Thread.sleep(10);
            }
            try (java.net.Socket gone = new java.net.Socket(InetAddress.getLoopbackAddress(), f.router.port())) {
                gone.getOutputStream().write("GET /gone HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                gone.getOutputStream().flush();
                while (f.router.registry().queued() == 0) {
                    Thread.sleep(10);
                }
            } // the client hangs up with its request still queued
            while (f.router.registry().queued() != 0) {
                Thread.sleep(10);
            }
            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            HttpResponse<String> next = f.get("/next"); // the dyno's place was freed, not handed to the gone client
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(slow.served.get()).as("the gone request never reached the dyno").isEqualTo(2);
            assertThat(f.lastLineFor("/gone")).contains("code=H27");
        }
    }

    @Test
    void withoutAQueueTheAppLimitAnswersH11AtOnce() throws Exception {
        try (CountingBackend slow = new CountingBackend("slow", 2000);
             RouterFixture f = new RouterFixture(c -> c.maxInFlightPerDyno(1))) {
            f.router.registry().add("web.1", slow.address());
            CompletableFuture<HttpResponse<String>> first = f.client().sendAsync(f.request("/first").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (slow.current.get() == 0) {
                Thread.sleep(10);
            }
            HttpResponse<String> second = f.get("/second");
            assertThat(second.statusCode()).isEqualTo(503);
            assertThat(f.lastLineFor("/second")).contains("code=H11");
            assertThat(first.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aDynoAddedWhileRequestsWaitTakesThemAtOnce() throws Exception {
        try (CountingBackend slow = new CountingBackend("slow", 15_000); CountingBackend fresh = new CountingBackend("fresh", 10);
             RouterFixture f = new RouterFixture(c -> c.maxInFlightPerDyno(1).queueTimeout(Duration.ofSeconds(20)))) {
            f.router.registry().add("web.1", slow.address());
            CompletableFuture<HttpResponse<String>> first = f.client().sendAsync(f.request("/first").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (slow.current.get() == 0) {
                Thread.sleep(10);
            }
            CompletableFuture<HttpResponse<String>> waiting = f.client().sendAsync(f.request("/waiting").build(),
                    HttpResponse.BodyHandlers.ofString());
            while (((dyno.router.select.DynoTable) f.router.registry()).queued() == 0) {
                Thread.sleep(10);
            }
            f.router.registry().add("web.2", fresh.address());
            HttpResponse<String> res = waiting.get(12, TimeUnit.SECONDS); // well before web.1 answers, at 15 s
            assertThat(res.body()).isEqualTo("fresh");
            assertThat(first).isNotDone(); // web.1 still works on it: the queue did not wait for web.1
            first.cancel(true);
        }
    }
}
