package dyno.platform.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** Talks to a running daemon's control API with its bearer token. */
public final class ApiClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DaemonInfo daemon;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public ApiClient(DaemonInfo daemon) {
        this.daemon = daemon;
    }

    /** A client for the app running in {@code dir}; fails with a hint when none runs. */
    public static ApiClient forDir(Path dir) {
        Path abs = dir.toAbsolutePath().normalize();
        DaemonInfo info = DaemonInfo.readLive(abs).orElseThrow(() -> new ApiException(0,
                "no running app in " + abs + " (no live .dyno/daemon.json)\nHint: start it with: dyno up --dir " + abs));
        return new ApiClient(info);
    }

    /** The daemon this client talks to. */
    public DaemonInfo daemon() {
        return daemon;
    }

    /** {@code /apps/{app}} plus {@code path}. */
    public String appPath(String path) {
        return "/apps/" + URLEncoder.encode(daemon.app(), StandardCharsets.UTF_8).replace("+", "%20") + path;
    }

    public JsonNode get(String path) {
        return send("GET", path, null);
    }

    public JsonNode patch(String path, Object body) {
        return send("PATCH", path, body);
    }

    public JsonNode post(String path, Object body) {
        return send("POST", path, body);
    }

    public JsonNode delete(String path) {
        return send("DELETE", path, null);
    }

    /** Sends a request and returns the JSON answer; a 4xx or 5xx throws with the API's message. */
    public JsonNode send(String method, String path, Object body) {
        try {
            HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
            HttpRequest req = request(path).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json").method(method, pub).build();
            HttpResponse<byte[]> res = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = res.body().length == 0 ? JSON.nullNode() : JSON.readTree(res.body());
            if (res.statusCode() >= 400) {
                throw new ApiException(res.statusCode(), json.path("message").asText("HTTP " + res.statusCode()));
            }
            return json;
        } catch (IOException e) {
            throw new ApiException(0, "cannot reach the daemon on 127.0.0.1:" + daemon.apiPort() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(0, "interrupted");
        }
    }

    /** Reads a text stream line by line until it ends. */
    public void stream(String path, Consumer<String> lines) {
        try {
            HttpResponse<InputStream> res = http.send(request(path).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
            if (res.statusCode() >= 400) {
                throw new ApiException(res.statusCode(), "HTTP " + res.statusCode());
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.accept(line);
                }
            }
        } catch (IOException e) {
            throw new ApiException(0, "log stream ended: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + daemon.apiPort() + path))
                .header("Authorization", "Bearer " + daemon.token())
                .header("Accept", "application/vnd.heroku+json; version=3");
    }
}
