package dyno.platform.reliability;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** A few client threads sending requests back to back to a loopback router, bounded in time; the same port throughout. */
public final class SteadyLoad implements AutoCloseable {
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();
    public final AtomicLong ok = new AtomicLong();
    private static final java.util.regex.Pattern H_CODE = java.util.regex.Pattern.compile("H\\d\\d [A-Za-z ]+");
    public final List<String> failures = new CopyOnWriteArrayList<>();

    public SteadyLoad(int routerPort, String path, int clients, Duration maxTime) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + routerPort + path))
                .timeout(Duration.ofSeconds(30)).build();
        long deadline = System.nanoTime() + maxTime.toNanos();
        for (int i = 0; i < clients; i++) {
            Thread t = new Thread(() -> {
                while (running.get() && System.nanoTime() < deadline) {
                    try {
                        HttpResponse<String> res = http.send(request, HttpResponse.BodyHandlers.ofString());
                        if (res.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            java.util.regex.Matcher code = H_CODE.matcher(res.body());
                            failures.add(res.statusCode() + " " + (code.find() ? code.group() : res.body()
                                    .replaceAll("\\s+", " ").substring(0, Math.min(80, res.body().length()))));
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                }
            }, "steady-load-" + i);
            t.setDaemon(true);
            threads.add(t);
            t.start();
        }
    }

    public long sent() {
        return ok.get() + failures.size();
    }

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        for (Thread t : threads) {
            t.join(35_000);
        }
    }
}
