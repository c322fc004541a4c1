package dyno.platform;

import static org.assertj.core.api.Assertions.assertThat;

import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import java.nio.file.Path;
import java.security.NoSuchAlgorithmException;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.SecureRandomSpi;
import java.security.Security;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API token is made without {@code SecureRandom.generateSeed}, which reads the kernel's
 * blocking entropy source and can hang a daemon started at early boot. A provider installed first
 * stands in for such a machine: its {@code generateSeed} refuses (where the real one would block).
 */
@Timeout(120)
class ApiTokenTest {
    @TempDir
    Path dir;

    @Test
    void theTokenComesFromNextBytesNotFromTheBlockingSeedSource() throws Exception {
        EarlyBoot provider = new EarlyBoot();
        Security.insertProviderAt(provider, 1);
        Daemon daemon = null;
        try {
            daemon = TestApps.start(TestApps.helloApp(dir), TestApps.lines(), List.of("web=0"), null);
            DaemonInfo info = DaemonInfo.readLive(dir).orElseThrow();
            assertThat(info.token()).matches("[0-9a-f]{48}");
            assertThat(EarlyBoot.seedCalls).hasValue(0);
        } finally {
            Security.removeProvider(provider.getName());
            if (daemon != null) {
                daemon.close();
            }
        }
    }

    /** The first provider, so {@code new SecureRandom()} is this one's. */
    static final class EarlyBoot extends Provider {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger seedCalls = new AtomicInteger();

        EarlyBoot() {
            super("DynoTestEarlyBoot", "1.0", "generateSeed would block: the entropy pool is not initialized yet");
            put("SecureRandom.EarlyBootPRNG", Spi.class.getName());
        }
    }

    /** Random bytes from the platform's own generator; no seed material before the pool is ready. */
    public static final class Spi extends SecureRandomSpi {
        private static final long serialVersionUID = 1L;
        private final SecureRandom delegate;

        public Spi() throws NoSuchAlgorithmException {
            delegate = SecureRandom.getInstance("NativePRNGNonBlocking", Security.getProvider("SUN"));
        }

        @Override
        protected void engineSetSeed(byte[] seed) {
            delegate.setSeed(seed);
        }

        @Override
        protected void engineNextBytes(byte[] bytes) {
            delegate.nextBytes(bytes);
        }

        @Override
        protected byte[] engineGenerateSeed(int numBytes) {
            EarlyBoot.seedCalls.incrementAndGet();
            throw new IllegalStateException("generateSeed(" + numBytes + ") would block until the kernel's entropy "
                    + "pool is initialized (early boot); use nextBytes");
        }
    }
}
