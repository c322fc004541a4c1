package dyno.platform;

import static dyno.platform.CliTest.dyno;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.client.DaemonInfo;
import dyno.platform.reliability.SteadyLoad;
import dyno.platform.router.DynoRouterProcess;
import dyno.platform.router.NamedServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dyno router} as a user runs it (its own JVM, three real HTTP servers on 127.0.0.1 behind it),
 * driven by the {@code dyno router:*} commands while clients send requests: add, weight, drain, back
 * up, drain and remove, maintenance. No request fails; the metrics and dashboard show the backends.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class RouterRuntimeApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    @Test
    void backendsChangeUnderLoadWithoutAFailedRequest() throws Exception {
        try (NamedServer a = NamedServer.start("a"); NamedServer b = NamedServer.start("b");
             NamedServer c = NamedServer.start("c");
             DynoRouterProcess router = DynoRouterProcess.start("--port", "0", "--backend", a.address(),
                     "--backend", b.address(), "--dir", dir.toString(), "--access-log", "off")) {
            String d = dir.toString();
            DaemonInfo info = awaitInfo(dir);
            assertThat(info.routerPort()).isEqualTo(router.port());
            assertThat(Files.getPosixFilePermissions(infoFile(dir))).hasSize(2); // rw-------

            SteadyLoad load = new SteadyLoad(router.port(), "/", 4, Duration.ofSeconds(90));
            try {
                await().atMost(Duration.ofSeconds(30)).until(() -> a.requests() > 20 && b.requests() > 20);

                CliTest.Result added = dyno("router:add", c.address(), "--dir", d);
                assertThat(added.status()).as(added.err()).isZero();
                assertThat(added.out().trim()).isEqualTo("Added web.3 (" + c.address() + ", weight 1)");
                await().atMost(Duration.ofSeconds(20)).until(() -> c.requests() > 20);

                CliTest.Result weight = dyno("router:set", "web.1", "weight=3", "--dir", d);
                assertThat(weight.out().trim()).isEqualTo("web.1 (" + a.address() + "): weight 3, ready, healthy");

                CliTest.Result drained = dyno("router:drain", "web.2", "--dir", d);
                assertThat(drained.status()).as(drained.err()).isZero();
                assertThat(drained.out().trim()).isEqualTo("Draining web.2... done, 0 requests in flight");
                int bAfterDrain = b.requests();
                int cAfterDrain = c.requests();
                await().atMost(Duration.ofSeconds(20)).until(() -> c.requests() > cAfterDrain + 20);
                assertThat(b.requests()).as("a drained backend gets no new request").isEqualTo(bAfterDrain);

                CliTest.Result table = dyno("router:backends", "--dir", d);
                assertThat(table.out()).containsPattern("(?m)^NAME +ADDRESS +WEIGHT +STATE +HEALTH +IN-FLIGHT +REQUESTS"
                        + " +ERRORS$");
                assertThat(table.out()).containsPattern("(?m)^web\\.2 +" + b.address().replace(".", "\\.")
                        + " +1 +drain +up +0 +\\d+ +0$");

                assertThat(dyno("router:up", "web.2", "--dir", d).out()).contains("weight 1, ready");
                await().atMost(Duration.ofSeconds(20)).until(() -> b.requests() > bAfterDrain + 10);

                CliTest.Result removed = dyno("router:drain", "web.2", "--remove", "--dir", d);
                assertThat(removed.out().trim()).isEqualTo("Removing web.2... done");
                assertThat(dyno("router:down", "web.3", "--dir", d).out()).contains("weight 1, maint");
                int bRemoved = b.requests();
                int cDown = c.requests();
                int aNow = a.requests();
                await().atMost(Duration.ofSeconds(20)).until(() -> a.requests() > aNow + 50);
                assertThat(b.requests()).isEqualTo(bRemoved);
                assertThat(c.requests()).isEqualTo(cDown);
            } finally {
                load.close();
            }
            assertThat(load.failures).as("failed requests").isEmpty();
            assertThat(load.ok.get()).isGreaterThan(200);

            JsonNode list = JSON.readTree(dyno("router:backends", "--json", "--dir", d).out());
            assertThat(list.findValuesAsText("name")).containsExactly("web.1", "web.3");
            assertThat(list.get(1).path("state").asText()).isEqualTo("maint");
            assertThat(list.get(0).path("requests").asLong()).isGreaterThan(0);

            String metrics = get(info, "/metrics").body();
            assertThat(metrics).contains("dyno_router_requests_total{dyno=\"web.3\",status_class=\"2xx\"}");
            assertThat(metrics).contains("dyno_router_in_flight{dyno=\"web.1\"}");

            JsonNode state = JSON.readTree(get(info, "/dashboard/state").body());
            assertThat(state.path("backends").findValuesAsText("name")).containsExactly("web.1", "web.3");
            assertThat(state.path("logs").toString()).contains("Backend drained").contains("Backend added");
            assertThat(dyno("router:dashboard", "--dir", d).out()).startsWith("http://127.0.0.1:" + info.apiPort()
                    + "/dashboard#code=");
            assertThat(router.output()).anyMatch(l -> l.contains("desc=\"Backend removed\" dyno=web.2"));
        }
        assertThat(infoFiles(dir)).as("the file goes with the router").isEmpty();
    }

    @Test
    void badRequestsAreOneLineErrorsAndChangeNothing() throws Exception {
        String d = dir.toString();
        CliTest.Result none = dyno("router:backends", "--dir", d);
        assertThat(none.status()).isEqualTo(1);
        assertThat(none.err()).contains("no dyno router running from").doesNotContain("Exception");

        try (NamedServer a = NamedServer.start("a");
             DynoRouterProcess router = DynoRouterProcess.start("--port", "0", "--backend", a.address(),
                     "--dir", d, "--access-log", "off")) {
            DaemonInfo info = awaitInfo(dir);
            CliTest.Result bad = dyno("router:add", "127.0.0.1", "--dir", d);
            assertThat(bad.status()).isEqualTo(1);
            assertThat(bad.err().trim()).startsWith("dyno router:add: --backend: '127.0.0.1' (expected: HOST:PORT");
            CliTest.Result unknown = dyno("router:set", "web.9", "weight=2", "--dir", d);
            assertThat(unknown.status()).isEqualTo(1);
            assertThat(unknown.err().trim()).isEqualTo("dyno router:set: no backend \"web.9\" (expected one of: web.1)");
            CliTest.Result taken = dyno("router:add", a.address(), "--name", "web.1", "--dir", d);
            assertThat(taken.err()).contains("name: 'web.1' is taken");
            CliTest.Result noFile = dyno("router:reload", "--dir", d);
            assertThat(noFile.err()).contains("no config file to reload: start dyno router with --config FILE");

            HttpResponse<String> noToken = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + info.apiPort() + "/backends")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(noToken.statusCode()).isEqualTo(401);
            HttpResponse<String> otherHost = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + info.apiPort() + "/backends"))
                    .header("Authorization", "Bearer " + info.token()).header("Origin", "http://evil.example").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(otherHost.statusCode()).isEqualTo(403);
            JsonNode list = JSON.readTree(get(info, "/backends").body());
            assertThat(list.findValuesAsText("name")).containsExactly("web.1");
            assertThat(list.get(0).path("weight").asInt()).isEqualTo(1);
            assertThat(router.port()).isPositive();
        }
    }

    @Test
    void routerReloadAppliesAnEditedConfigUnderLoad() throws Exception {
        String d = dir.toString();
        Path file = dir.resolve("router.json");
        try (NamedServer a = NamedServer.start("a"); NamedServer b = NamedServer.start("b");
             NamedServer c = NamedServer.start("c")) {
            Files.writeString(file, "{\"port\": 0, \"access-log\": \"off\", \"backends\": [\"" + a.address() + "\", \""
                    + b.address() + "\"]}");
            try (DynoRouterProcess router = DynoRouterProcess.start("--config", file.toString(), "--dir", d)) {
                awaitInfo(dir);
                SteadyLoad load = new SteadyLoad(router.port(), "/", 4, Duration.ofSeconds(90));
                try {
                    await().atMost(Duration.ofSeconds(30)).until(() -> b.requests() > 20);
                    Files.writeString(file, "{\"port\": 0, \"access-log\": \"off\", \"balance\": \"p2c\",\n"
                            + " \"backends\": [\"" + a.address() + "\", {\"address\": \"" + c.address() + "\", \"weight\": 2}]}");
                    CliTest.Result reloaded = dyno("router:reload", "--dir", d);
                    assertThat(reloaded.status()).as(reloaded.err()).isZero();
                    assertThat(reloaded.out().trim()).isEqualTo("Reloaded: settings balance; backends added web.3,"
                            + " changed none, removed web.2");
                    int bAfter = b.requests();
                    await().atMost(Duration.ofSeconds(30)).until(() -> c.requests() > 30);
                    assertThat(b.requests()).isEqualTo(bAfter);

                    Files.writeString(file, "{\"port\": 0, \"backends\": [\"" + a.address() + "\"], \"idle-timeout\": \"0s\"}");
                    CliTest.Result bad = dyno("router:reload", "--dir", d);
                    assertThat(bad.status()).isEqualTo(1);
                    assertThat(bad.err().trim()).isEqualTo("dyno router:reload: " + file
                            + ": idle-timeout: '0s' (expected: a duration from 1ms to 24h, such as 500ms, 5s, 2m)");
                    int cNow = c.requests();
                    await().atMost(Duration.ofSeconds(30)).until(() -> c.requests() > cNow + 20);
                } finally {
                    load.close();
                }
                assertThat(load.failures).as("failed requests").isEmpty();
                assertThat(router.output()).anyMatch(l -> l.contains("desc=\"Reload failed\""));
            }
        }
    }

    private static HttpResponse<String> get(DaemonInfo info, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + info.apiPort() + path))
                .header("Authorization", "Bearer " + info.token()).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static DaemonInfo awaitInfo(Path dir) {
        await().atMost(Duration.ofSeconds(30)).until(() -> infoFiles(dir).size() == 1
                && DaemonInfo.readLiveFile(infoFiles(dir).get(0)).isPresent());
        return DaemonInfo.readLiveFile(infoFile(dir)).orElseThrow();
    }

    private static Path infoFile(Path dir) {
        return infoFiles(dir).get(0);
    }

    private static List<Path> infoFiles(Path dir) {
        Path state = dir.resolve(".dyno");
        if (!Files.isDirectory(state)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(state)) {
            return files.filter(f -> f.getFileName().toString().matches("router-\\d+\\.json")).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
