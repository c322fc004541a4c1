package dyno.router.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dyno.router.testing.RouterFixture;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.uring.IoUring;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The transport choice, and the same exchanges over each transport: the rest of the suite runs on
 * the default (io_uring here), so epoll and NIO are routed through here too.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class TransportTest {
    private final String saved = System.getProperty(Transport.PROPERTY);

    @AfterEach
    void restore() {
        if (saved == null) {
            System.clearProperty(Transport.PROPERTY);
        } else {
            System.setProperty(Transport.PROPERTY, saved);
        }
    }

    @Test
    void defaultIsIoUringThenEpollThenNio() {
        System.clearProperty(Transport.PROPERTY);
        String expected = IoUring.isAvailable() ? "io_uring" : Epoll.isAvailable() ? "epoll" : "nio";
        assertThat(Transport.detect().name()).isEqualTo(expected);
        System.setProperty(Transport.PROPERTY, "nio");
        assertThat(Transport.detect().name()).isEqualTo("nio");
    }

    @Test
    void anUnknownTransportIsRefusedWithTheAllowedValues() {
        System.setProperty(Transport.PROPERTY, "kqueue");
        assertThatThrownBy(Transport::detect).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("dyno.transport: \"kqueue\" (expected: auto, io_uring, epoll or nio)");
    }

    @ParameterizedTest
    @ValueSource(strings = {"io_uring", "epoll", "nio"})
    void routesRoundRobinAndStreamsAnUploadOverEachTransport(String transport) throws Exception {
        assumeTrue(!transport.equals("io_uring") || IoUring.isAvailable(), "io_uring is not available here");
        assumeTrue(!transport.equals("epoll") || Epoll.isAvailable(), "epoll is not available here");
        System.setProperty(Transport.PROPERTY, transport);
        assertThat(Transport.detect().name()).isEqualTo(transport); // what the router below runs on
        try (RouterFixture fx = new RouterFixture()) {
            fx.addBackend("web.1");
            fx.addBackend("web.2");
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                seen.add(fx.get("/").body());
            }
            assertThat(seen).containsExactly("web.1", "web.2", "web.1", "web.2");
            byte[] body = new byte[1024 * 1024];
            for (int i = 0; i < body.length; i++) {
                body[i] = (byte) (i * 7);
            }
            CRC32 crc = new CRC32();
            crc.update(body);
            HttpResponse<String> res = fx.send(fx.request("/upload").POST(HttpRequest.BodyPublishers.ofByteArray(body))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(res.body()).isEqualTo(body.length + " " + crc.getValue());
        }
    }
}
