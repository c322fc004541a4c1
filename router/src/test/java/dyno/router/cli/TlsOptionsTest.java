package dyno.router.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.router.testing.TestBackend;
import dyno.router.tls.DevCertificate;
import dyno.router.tls.TlsEngine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --tls-*} on {@code dyno router}: usage errors are one line naming the flag, exit 2. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsOptionsTest {
    @TempDir
    Path dir;

    private static synchronized String text(StringWriter w) {
        return w.toString();
    }

    private record Run(int code, String err) {
    }

    private Run run(String... args) {
        StringWriter err = new StringWriter();
        RouterCommand command = new RouterCommand();
        command.devCertificates = dir.resolve("dev");
        CommandLine cli = new CommandLine(command).setCommandName("dyno router").setErr(new PrintWriter(err, true));
        cli.setParameterExceptionHandler(new OneLineUsageErrors(cli.getParameterExceptionHandler()));
        String[] all = new String[args.length + 4];
        System.arraycopy(new String[] {"--port", "0", "--backend", "127.0.0.1:5001"}, 0, all, 0, 4);
        System.arraycopy(args, 0, all, 4, args.length);
        return new Run(cli.execute(all), err.toString());
    }

    private static String line(String text) {
        return "dyno router: " + text + System.lineSeparator();
    }

    @Test
    void aMissingCertificateFileIsOneLineAndExitTwo() {
        Path missing = dir.resolve("nope.pem");
        Run r = run("--tls-cert", missing.toString(), "--tls-key", missing.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).isEqualTo(line("--tls-cert: " + missing + ": no such file"));
    }

    @Test
    void aFileWithoutACertificateOrKeyIsNamed() throws Exception {
        Path junk = Files.writeString(dir.resolve("junk.pem"), "hello\n");
        DevCertificate.PemPair dev = DevCertificate.ensure(dir.resolve("a"));
        Run noCert = run("--tls-cert", junk.toString(), "--tls-key", dev.privateKey().toString());
        assertThat(noCert.code()).isEqualTo(2);
        assertThat(noCert.err()).startsWith("dyno router: --tls-cert: " + junk + ": ").doesNotContain("\n\t");
        Run noKey = run("--tls-cert", dev.certificate().toString(), "--tls-key", junk.toString());
        assertThat(noKey.code()).isEqualTo(2);
        assertThat(noKey.err()).isEqualTo(line("--tls-key: " + junk
                + ": no private key in it (expected: PEM, -----BEGIN PRIVATE KEY-----)"));
        Run certAsKey = run("--tls-cert", dev.certificate().toString(), "--tls-key", dev.certificate().toString());
        assertThat(certAsKey.code()).isEqualTo(2);
        assertThat(certAsKey.err()).startsWith("dyno router: --tls-key: " + dev.certificate() + ": ");
    }

    @Test
    void aKeyOfAnotherCertificateIsRefused() {
        DevCertificate.PemPair a = DevCertificate.ensure(dir.resolve("a"));
        DevCertificate.PemPair b = DevCertificate.ensure(dir.resolve("b"));
        Run r = run("--tls-cert", a.certificate().toString(), "--tls-key", b.privateKey().toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).startsWith("dyno router: --tls-key: " + b.privateKey() + ": not the private key of the certificate");
    }

    @Test
    void flagsThatNeedEachOtherSaySo() {
        assertThat(run("--tls-port", "5443")).isEqualTo(new Run(2, line("--tls-port: needs --tls-cert (expected:"
                + " --tls-cert FILE --tls-key FILE, or --tls-cert self-signed)")));
        assertThat(run("--tls-cert", dir.resolve("c.pem").toString()))
                .isEqualTo(new Run(2, line("--tls-key: missing (expected: the PEM private key of --tls-cert "
                        + dir.resolve("c.pem") + ")")));
        assertThat(run("--tls-cert", "self-signed", "--tls-key", "k.pem").err()).startsWith("dyno router: --tls-key: not with");
        assertThat(run("--tls-cert", "self-signed", "--tls-port", "70000"))
                .isEqualTo(new Run(2, line("--tls-port: '70000' (expected: a port from 0 to 65535)")));
        assertThat(run("--tls-cert", "self-signed", "--tls-engine", "gnutls"))
                .isEqualTo(new Run(2, line("--tls-engine: 'gnutls' (expected: auto, jdk or openssl)")));
    }

    @Test
    void selfSignedServesHttpsBesidesHttpAndSaysHowToTrustIt() throws Exception {
        try (TestBackend backend = TestBackend.start("one")) {
            RouterCommand command = new RouterCommand();
            command.devCertificates = dir.resolve("dev");
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(command).setOut(new PrintWriter(out, true));
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> cli.execute("--port", "0",
                    "--threads", "1", "--backend", "127.0.0.1:" + backend.address().getPort(), "--access-log", "off",
                    "--tls-cert", "self-signed", "--tls-port", "0", "--tls-engine", "jdk"));
            Pattern listening = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+) and https://127\\.0\\.0\\.1:(\\d+)"
                    + " \\(TLS: jdk\\) -> web\\.1=");
            await().atMost(Duration.ofSeconds(20)).until(() -> listening.matcher(text(out)).find());
            Matcher m = listening.matcher(text(out));
            assertThat(m.find()).isTrue();
            assertThat(text(out)).contains("development certificate for localhost", "curl --cacert");
            assertThat(Files.exists(dir.resolve("dev").resolve("localhost-cert.pem"))).isTrue();
            command.stop();
            assertThat(exit.get(15, TimeUnit.SECONDS)).isZero();
        }
    }

    @Test
    void theConfigFileTakesTheTlsSettingsGroupedOrFlat() throws Exception {
        DevCertificate.PemPair dev = DevCertificate.ensure(dir.resolve("a"));
        Path file = Files.writeString(dir.resolve("router.json"), "{\"port\": 0, \"backends\": [\"127.0.0.1:5001\"],"
                + " \"tls\": {\"cert\": \"" + dev.certificate() + "\", \"key\": \"" + dev.privateKey() + "\","
                + " \"port\": 0}, \"tls-engine\": \"jdk\"}");
        var config = RouterFile.read(file).config();
        assertThat(config.tls()).isNotNull();
        assertThat(config.tls().port()).isZero();
        assertThat(config.tls().engine()).isEqualTo(TlsEngine.JDK);
        assertThat(config.tls().certificateChain()).isEqualTo(dev.certificate());
    }

    @Test
    void maxConcurrentStreamsIsAWholeNumberInRange() {
        assertThat(run("--max-concurrent-streams", "0")).isEqualTo(new Run(2,
                line("--max-concurrent-streams: '0' (expected: a whole number from 1 to 10000)")));
        RouterCommand command = new RouterCommand();
        new CommandLine(command).parseArgs("--port", "0", "--max-concurrent-streams", "250");
        assertThat(command.setup(java.util.List.of()).config().maxConcurrentStreams()).isEqualTo(250);
    }
}
