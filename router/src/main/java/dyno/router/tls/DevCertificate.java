package dyno.router.tls;

import java.io.IOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed development certificate for {@code localhost}, {@code 127.0.0.1} and {@code ::1}
 * (EC P-256, one year), kept as {@code localhost-cert.pem} and {@code localhost-key.pem} (mode 0600)
 * in a directory and reused while it has more than 30 days left:
 * <pre>{@code
 * DevCertificate.PemPair files = DevCertificate.ensure(Path.of(".dyno/tls"));
 * new TlsConfig(5443, files.certificate(), files.privateKey(), TlsEngine.AUTO);
 * }</pre>
 */
public final class DevCertificate {
    /** The value of {@code --tls-cert} that asks for this certificate. */
    public static final String SELF_SIGNED = "self-signed";
    private static final Duration VALIDITY = Duration.ofDays(365);
    private static final Duration RENEW_BEFORE = Duration.ofDays(30);

    /** The certificate and key files, and whether they were made just now. */
    public record PemPair(Path certificate, Path privateKey, boolean created) {
    }

    private DevCertificate() {
    }

    /**
     * The development certificate in {@code dir}: the one there when it is readable and valid for
     * 30 more days, else a new one.
     *
     * @throws IllegalStateException when the directory or the files cannot be written
     */
    public static PemPair ensure(Path dir) {
        Path cert = dir.resolve("localhost-cert.pem");
        Path key = dir.resolve("localhost-key.pem");
        if (usable(cert, key)) {
            return new PemPair(cert, key, false);
        }
        try {
            Files.createDirectories(dir);
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            X509Certificate x509 = selfSigned(pair, Instant.now());
            write(key, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
            write(cert, pem("CERTIFICATE", x509.getEncoded()));
            return new PemPair(cert, key, true);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a development certificate in " + dir + ": " + e.getMessage(), e);
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IllegalStateException("cannot make a development certificate: " + e.getMessage(), e);
        }
    }

    /** How to make clients trust {@code certificate}, on several lines: curl, the JDK, browsers (NSS), the system store. */
    public static String howToTrust(Path certificate) {
        String c = certificate.toAbsolutePath().normalize().toString();
        return "To trust it:\n"
                + "  curl:    curl --cacert " + c + " https://localhost:PORT/\n"
                + "  Java:    keytool -importcert -noprompt -alias dyno-localhost -file " + c
                + " -keystore dev-truststore.p12 -storepass changeit\n"
                + "  Chrome, Firefox (Linux): certutil -d sql:$HOME/.pki/nssdb -A -t P,, -n dyno-localhost -i " + c + "\n"
                + "  system (Debian): sudo cp " + c
                + " /usr/local/share/ca-certificates/dyno-localhost.crt && sudo update-ca-certificates";
    }

    private static boolean usable(Path cert, Path key) {
        if (!Files.isRegularFile(cert) || !Files.isRegularFile(key)) {
            return false;
        }
        try {
            X509Certificate c = PemFiles.certificates(cert, "certificate").get(0);
            PemFiles.checkPair(c, PemFiles.privateKey(key, "key"), "key", key);
            return c.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static X509Certificate selfSigned(KeyPair pair, Instant now)
            throws IOException, GeneralSecurityException, OperatorCreationException {
        X500Name name = new X500Name("CN=localhost, O=Dyno development certificate");
        X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                new BigInteger(64, new SecureRandom()).abs().add(BigInteger.ONE),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(VALIDITY)), name, pair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getByName("::1").getHostAddress()),
        }));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        return new JcaX509CertificateConverter().getCertificate(
                b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Writes through a temporary file (mode 0600 from the start) and a rename. */
    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(tmp);
        try {
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(tmp);
        }
        Files.writeString(tmp, text, StandardCharsets.US_ASCII);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
