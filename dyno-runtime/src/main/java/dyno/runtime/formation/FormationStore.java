package dyno.runtime.formation;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dyno.runtime.app.ConfigException;
import dyno.runtime.io.AtomicFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Saves and restores the formation as JSON in {@code .dyno/formation.json}, atomically. */
public final class FormationStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    public FormationStore(Path file) {
        this.file = requireNonNull(file, "file");
    }

    /** The file this store writes. */
    public Path file() {
        return file;
    }

    /**
     * The last saved formation, if one was saved. Reads only the file itself: temp files of a save
     * that was killed half way are never looked at.
     */
    public Optional<Formation> load() {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            JsonNode root = JSON.readTree(file.toFile());
            List<FormationEntry> entries = new ArrayList<>();
            for (JsonNode e : root.path("formation")) {
                entries.add(new FormationEntry(e.path("type").asText(), e.path("quantity").asInt(),
                        DynoSize.parse(e.path("size").asText("standard-1x"))));
            }
            return Optional.of(Formation.of(entries));
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException(file, 0, "unreadable saved formation: " + e.getMessage()
                    + " (delete the file to start from app.json or web=1)");
        }
    }

    /** Saves {@code formation} (temp file, fsync, rename). */
    public void save(Formation formation) {
        try {
            AtomicFile.write(file, toJson(formation));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save formation to " + file, e);
        }
    }

    /** Deletes temp files left by a save that was killed; for the one process that writes the file. */
    public int deleteLeftovers() {
        try {
            return AtomicFile.deleteLeftovers(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean temp files next to " + file, e);
        }
    }

    static byte[] toJson(Formation formation) throws JsonProcessingException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("formation");
        for (FormationEntry e : formation.entries()) {
            list.addObject().put("type", e.type()).put("quantity", e.quantity()).put("size", e.size().id());
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }
}
