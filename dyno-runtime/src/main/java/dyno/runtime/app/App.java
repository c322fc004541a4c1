package dyno.runtime.app;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.runtime.formation.DynoSize;
import dyno.runtime.formation.Formation;
import dyno.runtime.formation.FormationEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An app: a directory with a {@code Procfile}, an optional {@code .env} and an optional
 * {@code app.json}. Its state lives in {@code DIR/.dyno/}.
 */
public record App(String name, Path dir, Procfile procfile, Map<String, String> env) {

    public App {
        requireNonNull(name, "name");
        requireNonNull(dir, "dir");
        requireNonNull(procfile, "procfile");
        env = Map.copyOf(env);
    }

    /** Loads the app in {@code dir}; {@code name} defaults to the directory's name. */
    public static App load(Path dir, String name, Path envFile) {
        return load(dir, name, envFile, null);
    }

    /**
     * Loads the app in {@code dir} with the process types of {@code procfile} (foreman's {@code -f}):
     * null for {@code DIR/Procfile}, a relative path resolved against the current directory. The app's
     * state ({@code DIR/.dyno}), {@code .env} and {@code app.json} stay in {@code dir}.
     */
    public static App load(Path dir, String name, Path envFile, Path procfile) {
        Path abs = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(abs)) {
            throw new ConfigException(abs, 0, "not a directory (expected: an app directory"
                    + (procfile == null ? " with a Procfile)" : ")"));
        }
        Procfile types;
        if (procfile == null) {
            types = Procfile.read(abs.resolve("Procfile"));
        } else {
            Path file = procfile.toAbsolutePath().normalize();
            if (!Files.isRegularFile(file)) {
                throw new ConfigException(file, 0, (Files.isDirectory(file) ? "a directory" : "no such file")
                        + " (expected: a Procfile, with lines like \"web: command\")");
            }
            types = Procfile.read(file);
        }
        Map<String, String> env = EnvFile.readIfExists(envFile == null ? abs.resolve(".env") : envFile);
        return new App(name == null ? abs.getFileName().toString() : name, abs, types, env);
    }

    /** {@code DIR/.dyno}, where the running daemon keeps its state. */
    public Path stateDir() {
        return dir.resolve(".dyno");
    }

    /**
     * The formation of {@code app.json}'s {@code formation} object, for the types the Procfile
     * declares, if the file has one.
     */
    public Optional<Formation> manifestFormation() {
        Path file = dir.resolve("app.json");
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        JsonNode formation;
        try {
            formation = new ObjectMapper().readTree(file.toFile()).path("formation");
        } catch (IOException e) {
            throw new ConfigException(file, 0, "malformed JSON: " + e.getMessage());
        }
        if (!formation.isObject()) {
            return Optional.empty();
        }
        List<FormationEntry> entries = new ArrayList<>();
        for (ProcessType type : procfile.formationTypes()) {
            JsonNode e = formation.path(type.name());
            int quantity = e.path("quantity").asInt(0);
            DynoSize size;
            try {
                size = e.hasNonNull("size") ? DynoSize.parse(e.get("size").asText()) : DynoSize.STANDARD_1X;
                entries.add(new FormationEntry(type.name(), quantity, size));
            } catch (IllegalArgumentException ex) {
                throw new ConfigException(file, 0, "formation." + type.name() + ": " + ex.getMessage());
            }
        }
        for (Iterator<String> it = formation.fieldNames(); it.hasNext(); ) {
            String t = it.next();
            if (procfile.type(t).isEmpty()) {
                throw new ConfigException(file, 0, "formation." + t + ": no such process type in the Procfile"
                        + " (expected one of: " + String.join(", ", procfile.names()) + ")");
            }
        }
        return Optional.of(Formation.of(entries));
    }

    /** The default first formation: one web dyno (when declared) and none of the other types. */
    public Formation defaultFormation() {
        List<FormationEntry> entries = new ArrayList<>();
        for (ProcessType type : procfile.formationTypes()) {
            entries.add(new FormationEntry(type.name(), type.isWeb() ? 1 : 0, DynoSize.STANDARD_1X));
        }
        return Formation.of(entries);
    }

    /**
     * Fits a saved formation to the Procfile: types the Procfile no longer declares are dropped,
     * new types get 0 dynos.
     */
    public Formation fit(Formation saved) {
        List<FormationEntry> entries = new ArrayList<>();
        for (ProcessType type : procfile.formationTypes()) {
            entries.add(saved.entry(type.name()).orElse(new FormationEntry(type.name(), 0, DynoSize.STANDARD_1X)));
        }
        return Formation.of(entries);
    }
}
