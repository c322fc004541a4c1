package dyno.router.tls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevCertificateTest {
    @Test
    void namesLocalhostAndLoopbackAndIsReusedOnceMade(@TempDir Path dir) throws Exception {
        DevCertificate.PemPair first = DevCertificate.ensure(dir.resolve("tls"));
        assertThat(first.created()).isTrue();
        X509Certificate c = PemFiles.certificates(first.certificate(), "cert").get(0);
        List<String> names = c.getSubjectAlternativeNames().stream().map(n -> (String) n.get(1)).toList();
        assertThat(names).contains("localhost", "127.0.0.1").anySatisfy(v -> assertThat(v).contains(":"));
        assertThat(c.getExtendedKeyUsage()).contains("1.3.6.1.5.5.7.3.1"); // serverAuth
        assertThat(c.getBasicConstraints()).isEqualTo(-1); // not a CA: browsers refuse a CA as a server's certificate
        assertThat(Files.getPosixFilePermissions(first.privateKey()))
                .isEqualTo(PosixFilePermissions.fromString("rw-------"));

        DevCertificate.PemPair again = DevCertificate.ensure(dir.resolve("tls"));
        assertThat(again.created()).isFalse();
        assertThat(Files.readString(again.certificate())).isEqualTo(Files.readString(first.certificate()));
    }

    @Test
    void aDamagedPairIsMadeAgain(@TempDir Path dir) throws Exception {
        DevCertificate.PemPair first = DevCertificate.ensure(dir);
        Files.writeString(first.privateKey(), "garbage");
        DevCertificate.PemPair again = DevCertificate.ensure(dir);
        assertThat(again.created()).isTrue();
        List<X509Certificate> chain = PemFiles.certificates(again.certificate(), "cert");
        PemFiles.checkPair(chain.get(0), PemFiles.privateKey(again.privateKey(), "key"), "key", again.privateKey());
    }

    @Test
    void sayHowToTrustIt() {
        assertThat(DevCertificate.howToTrust(Path.of("/x/localhost-cert.pem")))
                .contains("curl --cacert /x/localhost-cert.pem", "certutil", "update-ca-certificates");
    }
}
