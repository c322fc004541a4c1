package dyno.router.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/**
 * Reads a PEM certificate chain and private key and checks that they belong together. Errors are
 * one line, starting with the name the caller gave the file (a flag, or a setting).
 */
final class PemFiles {
    private static final long MAX_BYTES = 1024 * 1024;

    private PemFiles() {
    }

    /** The certificates of {@code file}, leaf first. */
    static List<X509Certificate> certificates(Path file, String name) {
        byte[] bytes = read(file, name);
        List<X509Certificate> out = new ArrayList<>();
        try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
            for (var c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                out.add((X509Certificate) c);
            }
        } catch (CertificateException | IOException e) {
            throw new IllegalArgumentException(name + ": " + file + ": not a PEM certificate chain (" + e.getMessage()
                    + ")");
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(name + ": " + file
                    + ": no certificate in it (expected: PEM, -----BEGIN CERTIFICATE-----)");
        }
        return out;
    }

    /** The private key of {@code file}: PKCS#8, or a PKCS#1 RSA / SEC1 EC key; not encrypted. */
    static PrivateKey privateKey(Path file, String name) {
        byte[] bytes = read(file, name);
        Object o;
        try (Reader r = new java.io.StringReader(new String(bytes, StandardCharsets.US_ASCII));
             PEMParser parser = new PEMParser(r)) {
            o = parser.readObject();
            while (o instanceof X509Certificate || o instanceof org.bouncycastle.cert.X509CertificateHolder
                    || o instanceof org.bouncycastle.asn1.x9.X9ECParameters
                    || o instanceof org.bouncycastle.asn1.ASN1ObjectIdentifier) {
                o = parser.readObject(); // a key file may carry the certificate or EC parameters too
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + ": " + file + ": not a PEM private key (" + e.getMessage() + ")");
        }
        try {
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException(name + ": " + file + ": unusable private key (" + e.getMessage() + ")");
        }
        if (o == null) {
            throw new IllegalArgumentException(name + ": " + file
                    + ": no private key in it (expected: PEM, -----BEGIN PRIVATE KEY-----)");
        }
        throw new IllegalArgumentException(name + ": " + file + ": holds " + describe(o)
                + " (expected: an unencrypted private key, -----BEGIN PRIVATE KEY-----)");
    }

    /** Checks that {@code key} is the private key of {@code leaf}'s public key: signs and verifies. */
    static void checkPair(X509Certificate leaf, PrivateKey key, String keyName, Path keyFile) {
        PublicKey pub = leaf.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            throw new IllegalArgumentException(keyName + ": " + keyFile + ": a " + key.getAlgorithm()
                    + " key (expected: RSA, EC or Ed25519)");
        }
        boolean matches;
        try {
            byte[] probe = "dyno".getBytes(StandardCharsets.US_ASCII);
            Signature s = Signature.getInstance(algorithm);
            s.initSign(key);
            s.update(probe);
            byte[] sig = s.sign();
            Signature v = Signature.getInstance(algorithm);
            v.initVerify(pub);
            v.update(probe);
            matches = v.verify(sig);
        } catch (GeneralSecurityException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(keyName + ": " + keyFile
                    + ": not the private key of the certificate " + leaf.getSubjectX500Principal().getName()
                    + " (expected: the key the certificate was issued for)");
        }
    }

    private static byte[] read(Path file, String name) {
        try {
            if (Files.size(file) > MAX_BYTES) {
                throw new IllegalArgumentException(name + ": " + file + ": larger than 1 MiB");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(name + ": " + file + ": no such file");
        } catch (IOException e) {
            throw new IllegalArgumentException(name + ": " + file + ": cannot read it (" + e.getMessage() + ")");
        }
    }

    private static String describe(Object o) {
        String type = o.getClass().getSimpleName();
        if (type.contains("Encrypted")) {
            return "an encrypted key";
        }
        return "a " + type;
    }
}
