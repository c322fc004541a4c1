package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dyno.router.testing.RouterProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code dyno router} in its own JVM in front of JDK HttpServers started by hand, with weights. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WeightedBackendsEndToEndTest {
    private final List<HttpServer> servers = new ArrayList<>();
    private final List<AtomicInteger> served = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    /** A backend answering its name and counting its requests; returns HOST:PORT. */
    private String backend(String name) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        AtomicInteger count = new AtomicInteger();
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        server.createContext("/", ex -> {
            count.incrementAndGet();
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        servers.add(server);
        served.add(count);
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    private static void send(RouterProcess router, int requests) throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        URI uri = URI.create("http://127.0.0.1:" + router.port() + "/");
        for (int i = 0; i < requests; i++) {
            HttpResponse<String> res = client.send(HttpRequest.newBuilder(uri).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
        }
    }

    @Test
    void roundRobinSplitsExactlyAsTheWeightsAndSendsWeightZeroNothing() throws Exception {
        List<String> args = List.of("--threads", "2", "--access-log", "off",
                "--backend", backend("a") + ",weight=3", "--backend", backend("b"), "--backend", backend("c") + ",weight=0");
        try (RouterProcess router = RouterProcess.start(null, List.of(), args)) {
            assertThat(router.output().get(0)).contains("web.1=" + args.get(5) + ", web.2=" + args.get(7)
                    + ", web.3=" + args.get(9));
            send(router, 400);
        }
        assertThat(served.get(0)).hasValue(300);
        assertThat(served.get(1)).hasValue(100);
        assertThat(served.get(2)).hasValue(0);
    }

    @Test
    void randomSplitsAsTheWeightsOnAverage() throws Exception {
        List<String> args = List.of("--threads", "2", "--access-log", "off", "--balance", "random",
                "--backend", backend("a") + ",weight=3", "--backend", backend("b") + ",weight=1");
        try (RouterProcess router = RouterProcess.start(null, List.of(), args)) {
            send(router, 400);
        }
        // binomial(400, 3/4): mean 300, standard deviation 8.7; 5 of them either side
        assertThat(served.get(0).get()).isBetween(257, 343);
        assertThat(served.get(0).get() + served.get(1).get()).isEqualTo(400);
    }

    @Test
    void everyBackendAtWeightZeroAnswersAsWhenNoneIsUp() throws Exception {
        List<String> args = List.of("--access-log", "off", "--backend", backend("a") + ",weight=0");
        try (RouterProcess router = RouterProcess.start(null, List.of(), args)) {
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + router.port() + "/")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(503);
            assertThat(res.body()).contains("H10");
        }
        assertThat(served.get(0)).hasValue(0);
    }
}
