package dyno.platform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Just enough of the W3C WebDriver protocol to drive Debian's headless Chromium through its
 * chromedriver on 127.0.0.1: open a page, find, type, click, run a script, take a screenshot.
 */
final class WebDriver implements AutoCloseable {
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process driver;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String session;

    static boolean available() {
        return Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
    }

    WebDriver(Path workDir) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        this.base = "http://127.0.0.1:" + port;
        this.driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("chromedriver.log").toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!ready()) {
                if (System.nanoTime() > deadline || !driver.isAlive()) {
                    throw new IOException("chromedriver did not start; see " + workDir.resolve("chromedriver.log"));
                }
                Thread.sleep(100);
            }
            ObjectNode caps = JSON.createObjectNode();
            ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch")
                    .put("browserName", "chrome").putObject("goog:chromeOptions");
            chrome.put("binary", CHROMIUM.toString());
            chrome.putArray("args").add("--headless=new").add("--no-sandbox").add("--disable-gpu")
                    .add("--disable-dev-shm-usage").add("--window-size=1400,1100")
                    .add("--user-data-dir=" + Files.createTempDirectory(workDir, "profile"));
            this.session = call("POST", "/session", caps).path("sessionId").asText();
        } catch (IOException | InterruptedException | RuntimeException e) {
            driver.destroyForcibly();
            throw e;
        }
    }

    private boolean ready() {
        try {
            return call("GET", "/status", null).path("ready").asBoolean();
        } catch (IOException | RuntimeException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    void open(String url) throws IOException, InterruptedException {
        call("POST", s("/url"), JSON.createObjectNode().put("url", url));
    }

    /** Element ids matching the CSS selector, possibly none. */
    List<String> findAll(String css) throws IOException, InterruptedException {
        JsonNode found = call("POST", s("/elements"), JSON.createObjectNode().put("using", "css selector").put("value", css));
        return java.util.stream.StreamSupport.stream(found.spliterator(), false).map(e -> e.path(ELEMENT).asText()).toList();
    }

    String find(String css) throws IOException, InterruptedException {
        List<String> all = findAll(css);
        if (all.isEmpty()) {
            throw new IllegalStateException("no element matches " + css);
        }
        return all.get(0);
    }

    void type(String element, String text) throws IOException, InterruptedException {
        call("POST", s("/element/" + element + "/clear"), JSON.createObjectNode());
        call("POST", s("/element/" + element + "/value"), JSON.createObjectNode().put("text", text));
    }

    void click(String element) throws IOException, InterruptedException {
        call("POST", s("/element/" + element + "/click"), JSON.createObjectNode());
    }

    /** Runs a script in the page and returns its result as JSON. */
    JsonNode script(String js) throws IOException, InterruptedException {
        ObjectNode body = JSON.createObjectNode().put("script", js);
        body.putArray("args");
        return call("POST", s("/execute/sync"), body);
    }

    void screenshot(Path png) throws IOException, InterruptedException {
        Files.write(png, Base64.getDecoder().decode(call("GET", s("/screenshot"), null).asText()));
    }

    private String s(String path) {
        return "/session/" + session + path;
    }

    private JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        b.header("Content-Type", "application/json");
        HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode value = JSON.readTree(res.body()).path("value");
        if (res.statusCode() != 200) {
            throw new IllegalStateException(method + " " + path + " -> " + res.statusCode() + ": " + value);
        }
        return value;
    }

    @Override
    public void close() {
        try {
            if (session != null) {
                call("DELETE", s(""), null);
            }
        } catch (IOException | RuntimeException e) {
            // the browser is gone with the driver below
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            driver.destroy();
            try {
                if (!driver.waitFor(5, TimeUnit.SECONDS)) {
                    driver.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                driver.destroyForcibly();
            }
        }
    }
}
