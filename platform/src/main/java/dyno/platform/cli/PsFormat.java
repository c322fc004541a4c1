package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Formats dynos and formations the way {@code heroku ps} and {@code heroku ps:scale} do. */
final class PsFormat {
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss xx").withZone(ZoneOffset.UTC);

    private PsFormat() {
    }

    /** {@code === web (Standard-1X): cmd (2)} then one line per dyno, a blank line between types. */
    static String dynos(JsonNode dynos, Instant now) {
        Map<String, List<JsonNode>> byType = new LinkedHashMap<>();
        List<JsonNode> oneOffs = new ArrayList<>();
        for (JsonNode d : dynos) {
            if (d.path("one_off").asBoolean()) {
                oneOffs.add(d);
                continue;
            }
            byType.computeIfAbsent(d.path("type").asText() + "\u0000" + d.path("size").asText(), k -> new ArrayList<>()).add(d);
        }
        StringBuilder out = new StringBuilder();
        for (List<JsonNode> list : byType.values()) {
            JsonNode first = list.get(0);
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append("=== ").append(first.path("type").asText()).append(" (").append(first.path("size").asText())
                    .append("): ").append(first.path("command").asText()).append(" (").append(list.size()).append(")\n");
            for (JsonNode d : list) {
                Instant since = Instant.parse(d.path("updated_at").asText());
                out.append(d.path("name").asText()).append(": ").append(d.path("state").asText()).append(' ')
                        .append(WHEN.format(since)).append(" (~ ").append(ago(Duration.between(since, now))).append(" ago)")
                        .append(usage(d)).append('\n');
            }
        }
        if (!oneOffs.isEmpty()) {
            // Heroku's section for one-offs: one line each, with its size and command
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append("=== run: one-off processes (").append(oneOffs.size()).append(")\n");
            for (JsonNode d : oneOffs) {
                Instant since = Instant.parse(d.path("updated_at").asText());
                out.append(d.path("name").asText()).append(" (").append(d.path("size").asText()).append("): ")
                        .append(d.path("state").asText()).append(' ').append(WHEN.format(since)).append(" (~ ")
                        .append(ago(Duration.between(since, now))).append(" ago): ").append(d.path("command").asText()).append('\n');
            }
        }
        return out.length() == 0 ? "No dynos running.\n" : out.toString();
    }

    /**
     * {@code   cpu 24%/25%  mem 45M/512M}: CPU in percent of one core (used/limit; no limit shown when
     * none), resident memory against the quota; empty when the dyno was not sampled.
     */
    static String usage(JsonNode d) {
        if (!d.has("memory_rss_bytes")) {
            return "";
        }
        double cpu = d.path("cpu_cores").asDouble(-1);
        double limit = d.path("cpu_limit_cores").asDouble(0);
        String used = cpu < 0 ? "-" : Math.round(cpu * 100) + "%";
        return "  cpu " + used + (limit > 0 ? "/" + Math.round(limit * 100) + "%" : "")
                + "  mem " + (d.path("memory_rss_bytes").asLong() >> 20) + "M/" + (d.path("memory_quota_bytes").asLong() >> 20) + "M";
    }

    /** {@code web=3:Standard-1X worker=1:Standard-1X}. */
    static String formation(JsonNode formation) {
        List<String> parts = new ArrayList<>();
        for (JsonNode f : formation) {
            parts.add(f.path("type").asText() + "=" + f.path("quantity").asInt() + ":" + f.path("size").asText());
        }
        return String.join(" ", parts);
    }

    /** {@code web at 3:Standard-1X, worker at 1:Standard-1X} for {@code types}. */
    static String running(JsonNode formation, List<String> types) {
        List<String> parts = new ArrayList<>();
        for (JsonNode f : formation) {
            if (types.contains(f.path("type").asText())) {
                parts.add(f.path("type").asText() + " at " + f.path("quantity").asInt() + ":" + f.path("size").asText());
            }
        }
        return String.join(", ", parts);
    }

    static String ago(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m";
        }
        if (s < 86400) {
            return s / 3600 + "h";
        }
        return s / 86400 + "d";
    }
}
