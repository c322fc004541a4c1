package dyno.router.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.router.testing.LeakCheckExtension;
import dyno.router.testing.RouterFixture;
import dyno.router.testing.ScriptedDyno;
import dyno.router.testing.ScriptedDyno.Part;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An app that answers as Python's {@code http.server} tutorial does: {@code HTTP/1.0 200}, no
 * Content-Length, the body ended by closing. Real clients must read it through the router as the app
 * meant it (the router used to add chunking under the HTTP/1.0 status line: Chromium showed the chunk
 * sizes as text and spun for 55 s).
 */
@ExtendWith(LeakCheckExtension.class)
class Http10AppTest {
    private static final String PAGE = "<!DOCTYPE html><html><head><title>old</title></head>"
            + "<body><p id=\"x\">hello from HTTP/1.0</p></body></html>";
    private static ScriptedDyno app;
    private static RouterFixture fx;

    @BeforeAll
    static void start() throws Exception {
        Map<String, List<Part>> script = Map.of("GET /", List.of(Part.closing(
                "HTTP/1.0 200 OK\r\nServer: SimpleHTTP/0.6 Python/3.11\r\nContent-Type: text/html\r\n\r\n" + PAGE)));
        app = ScriptedDyno.start(script::get);
        fx = new RouterFixture();
        fx.router.registry().add("web.1", app.address());
    }

    @AfterAll
    static void stop() {
        fx.close();
        app.close();
    }

    @Test
    void javaHttpClientReadsTheBody() throws Exception {
        for (int i = 0; i < 3; i++) { // on one kept-alive client connection
            HttpResponse<String> res = fx.get("/");
            assertThat(res.statusCode()).isEqualTo(200);
            assertThat(res.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_1_1);
            assertThat(res.body()).isEqualTo(PAGE);
        }
    }

    @Test
    void chromiumRendersThePage() throws Exception {
        Path chromium = Path.of("/usr/bin/chromium");
        Assumptions.assumeTrue(Files.isExecutable(chromium), "Chromium is not installed (.ci/run installs it)");
        Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + Files.createTempDirectory("chromium"),
                "--dump-dom", "http://127.0.0.1:" + fx.router.port() + "/")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        ByteArrayOutputStream dom = new ByteArrayOutputStream();
        try (InputStream in = p.getInputStream()) {
            in.transferTo(dom);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String text = dom.toString(StandardCharsets.UTF_8);
        assertThat(text).contains("<p id=\"x\">hello from HTTP/1.0</p>").doesNotContain("\n0\n");
    }
}
