package dyno.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenExceptionTest {
    @Test
    void aTakenPortSaysSoAndPointsAtThePortFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> Router.start(RouterConfig.builder().port(port).threads(1).build(), RouterListener.NONE))
                    .isInstanceOfSatisfying(ListenException.class, e -> {
                        assertThat(e.reason()).isEqualTo(ListenException.Reason.IN_USE);
                        assertThat(e.host()).isEqualTo("127.0.0.1");
                        assertThat(e.port()).isEqualTo(port);
                        assertThat(e.getMessage()).isEqualTo("cannot listen on 127.0.0.1:" + port
                                + ": the address is already in use");
                        assertThat(e.messageWithHint("--port", "--host")).isEqualTo("cannot listen on 127.0.0.1:" + port
                                + ": the address is already in use (choose another with --port)");
                    });
        }
    }

    @Test
    void anAddressOfAnotherMachinePointsAtTheHostFlag() {
        // 192.0.2.0/24 is TEST-NET-1: never an address of this machine
        assertThatThrownBy(() -> Router.start(RouterConfig.builder().host("192.0.2.1").port(0).threads(1).build(),
                RouterListener.NONE))
                .isInstanceOfSatisfying(ListenException.class, e -> {
                    assertThat(e.reason()).isEqualTo(ListenException.Reason.NO_SUCH_ADDRESS);
                    assertThat(e.messageWithHint("--port", "--host")).isEqualTo("cannot listen on 192.0.2.1:0:"
                            + " the host is not an address of this machine (choose another with --host)");
                });
    }
}
