package dyno.platform.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.runtime.io.AtomicFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;

/**
 * The contents of {@code DIR/.dyno/daemon.json} (mode 0600): how commands reach the running
 * daemon of an app.
 */
public record DaemonInfo(String app, long pid, int apiPort, String token, int routerPort) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code DIR/.dyno/daemon.json}. */
    public static Path file(Path appDir) {
        return appDir.toAbsolutePath().normalize().resolve(".dyno").resolve("daemon.json");
    }

    /** Writes this record atomically with mode 0600. */
    public void write(Path appDir) throws IOException {
        writeTo(file(appDir));
    }

    /** Writes this record atomically with mode 0600 to {@code f}. */
    public void writeTo(Path f) throws IOException {
        AtomicFile.write(f, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this),
                PosixFilePermissions.fromString("rw-------"));
    }

    /**
     * A new API token: 24 random bytes in hex from the platform's default generator. Never
     * {@code generateSeed}: it reads the kernel's blocking source, which can hang a daemon started at early boot.
     */
    public static String newToken() {
        byte[] bytes = new byte[24];
        new java.security.SecureRandom().nextBytes(bytes);
        return java.util.HexFormat.of().formatHex(bytes);
    }

    /** The record of a daemon that is still alive, if any. */
    public static Optional<DaemonInfo> readLive(Path appDir) {
        return readLiveFile(file(appDir));
    }

    /** The record in {@code f} if its process is still alive. */
    public static Optional<DaemonInfo> readLiveFile(Path f) {
        if (!Files.exists(f)) {
            return Optional.empty();
        }
        try {
            DaemonInfo info = JSON.readValue(f.toFile(), DaemonInfo.class);
            return ProcessHandle.of(info.pid()).filter(ProcessHandle::isAlive).map(h -> info);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
