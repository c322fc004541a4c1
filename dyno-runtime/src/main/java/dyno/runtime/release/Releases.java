package dyno.runtime.release;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.ConfigException;
import dyno.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * An app's releases and config vars, kept in {@code .dyno/releases.json} (mode 0600: config vars
 * are secrets), written atomically on every change. The config of record is the latest release's;
 * the {@code .env} file seeds the first release, and later edits to it are picked up as a change
 * ({@link #envChanges}). Thread-safe.
 */
public final class Releases {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Most releases kept; older ones are dropped from the file (Heroku keeps the history, Dyno a window of it). */
    static final int KEEP = 100;

    private final Path file;
    private final Clock clock;
    private final List<Release> releases = new ArrayList<>();
    /** The {@code .env} as last taken into a release, so that only its edits are picked up. */
    private Map<String, String> envSeen = Map.of();
    /** A digest of the Procfile the last release was made for; null before one was recorded. */
    private String procfileSeen;

    private Releases(Path file, Clock clock) {
        this.file = file;
        this.clock = clock;
    }

    /**
     * Opens the releases saved in {@code file}; with none yet, makes release 1 from {@code env}
     * (the {@code .env}), already succeeded.
     */
    public static Releases open(Path file, Map<String, String> env, Clock clock) {
        Releases r = new Releases(requireNonNull(file, "file"), requireNonNull(clock, "clock"));
        if (Files.exists(file)) {
            r.read();
        } else {
            r.envSeen = ConfigVars.withoutReserved(env);
            r.releases.add(new Release(1, "Initial release", Release.Status.SUCCEEDED, clock.instant(), r.envSeen));
            r.save();
        }
        return r;
    }

    /** The file these releases are kept in. */
    public Path file() {
        return file;
    }

    /** Every release kept, oldest first. */
    public synchronized List<Release> list() {
        return List.copyOf(releases);
    }

    /** The latest release, whatever its status. */
    public synchronized Release latest() {
        return releases.get(releases.size() - 1);
    }

    /** The release dynos run: the latest that succeeded. */
    public synchronized Release current() {
        for (int i = releases.size() - 1; i >= 0; i--) {
            if (releases.get(i).status() == Release.Status.SUCCEEDED) {
                return releases.get(i);
            }
        }
        return releases.get(0);
    }

    /** The release numbered {@code version}, if kept. */
    public synchronized Optional<Release> get(int version) {
        return releases.stream().filter(r -> r.version() == version).findFirst();
    }

    /** The config vars of record: the latest release's. */
    public synchronized Map<String, String> config() {
        return latest().config();
    }

    /**
     * Makes a pending release with {@code changes} (a null value unsets) applied to the config of
     * record. Validates first: a bad change makes no release and saves nothing.
     */
    public synchronized Release create(String description, Map<String, String> changes) {
        Map<String, String> next = ConfigVars.apply(config(), changes);
        Release r = new Release(latest().version() + 1, description, Release.Status.PENDING, clock.instant(), next);
        List<Release> before = List.copyOf(releases);
        releases.add(r);
        while (releases.size() > KEEP) {
            releases.remove(0);
        }
        saveOrUndo(before, envSeen);
        return r;
    }

    /** Records how {@code version}'s release phase ended. */
    public synchronized Release finish(int version, Release.Status status) {
        for (int i = 0; i < releases.size(); i++) {
            if (releases.get(i).version() == version) {
                List<Release> before = List.copyOf(releases);
                Release done = releases.get(i).withStatus(status);
                releases.set(i, done);
                saveOrUndo(before, envSeen);
                return done;
            }
        }
        throw new IllegalArgumentException("no release v" + version);
    }

    /**
     * The changes that bring the config in line with edits made to {@code .env} since it was last
     * read ({@code env}: what it holds now): vars added or changed there are set, vars removed
     * from it are unset; vars set only through {@code config:set} stay. Empty when it was not edited.
     */
    public synchronized Map<String, String> envChanges(Map<String, String> env) {
        Map<String, String> now = ConfigVars.withoutReserved(env);
        Map<String, String> changes = new TreeMap<>();
        now.forEach((k, v) -> {
            if (!v.equals(envSeen.get(k))) {
                changes.put(k, v);
            }
        });
        envSeen.keySet().stream().filter(k -> !now.containsKey(k)).forEach(k -> changes.put(k, null));
        return changes;
    }

    /** Remembers {@code env} as the {@code .env} taken into a release. */
    public synchronized void envTaken(Map<String, String> env) {
        Map<String, String> before = envSeen;
        envSeen = ConfigVars.withoutReserved(env);
        saveOrUndo(List.copyOf(releases), before);
    }

    /**
     * Whether the Procfile changed since {@link #procfileTaken} last recorded it ({@code digest}: the
     * one now): a deploy, which makes a release. False when none was recorded yet.
     */
    public synchronized boolean procfileChanged(String digest) {
        return procfileSeen != null && !procfileSeen.equals(digest);
    }

    /** Records {@code digest} as the Procfile the releases are made for. */
    public synchronized void procfileTaken(String digest) {
        if (digest.equals(procfileSeen)) {
            return;
        }
        String before = procfileSeen;
        procfileSeen = digest;
        try {
            save();
        } catch (UncheckedIOException e) {
            procfileSeen = before;
            throw e;
        }
    }

    private void read() {
        try {
            JsonNode root = JSON.readTree(file.toFile());
            envSeen = strings(root.path("env_file"));
            procfileSeen = root.path("procfile_sha256").isTextual() ? root.get("procfile_sha256").asText() : null;
            for (JsonNode n : root.path("releases")) {
                releases.add(new Release(n.path("version").asInt(), n.path("description").asText(),
                        Release.Status.parse(n.path("status").asText()), Instant.parse(n.path("created_at").asText()),
                        strings(n.path("config"))));
            }
            if (releases.isEmpty()) {
                throw new IOException("no releases");
            }
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(file, 0, "unreadable releases: " + e.getMessage()
                    + " (delete the file to start again from .env as release 1)");
        }
    }

    private static Map<String, String> strings(JsonNode object) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }

    /** Saves; when that fails (a full disk), puts the state back as it was and rethrows: memory never runs ahead of the file. */
    private void saveOrUndo(List<Release> before, Map<String, String> envBefore) {
        try {
            save();
        } catch (UncheckedIOException e) {
            releases.clear();
            releases.addAll(before);
            envSeen = envBefore;
            throw e;
        }
    }

    private void save() {
        ObjectNode root = JSON.createObjectNode();
        root.set("env_file", JSON.valueToTree(envSeen));
        if (procfileSeen != null) {
            root.put("procfile_sha256", procfileSeen);
        }
        var list = root.putArray("releases");
        for (Release r : releases) {
            ObjectNode n = list.addObject();
            n.put("version", r.version());
            n.put("description", r.description());
            n.put("status", r.status().id());
            n.put("created_at", r.createdAt().toString());
            n.set("config", JSON.valueToTree(r.config()));
        }
        try {
            AtomicFile.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root),
                    PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save releases to " + file, e);
        }
    }
}
