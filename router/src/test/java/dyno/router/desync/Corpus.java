package dyno.router.desync;

import dyno.router.desync.DesyncCase.Direction;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The desync corpus: {@code desync/requests.txt} and {@code desync/responses.txt} on the test
 * classpath. A case is a block of {@code key: value} lines ended by a blank line; a repeated
 * {@code send}, {@code reply} or {@code later} key appends. Values are escaped: {@code \r \n \t \0
 * \\ \xHH}, and {@code {{N*text}}} repeats text N times. Keys: {@code id}, {@code desc}, {@code src},
 * {@code send}, {@code requests} (how many complete requests the bytes hold, default 1), and for
 * responses {@code reply}, {@code later} ({@code MILLIS bytes}), {@code close} ({@code yes}).
 */
final class Corpus {
    /** What a response case sends when it has no {@code send}. */
    static final String DEFAULT_ASK = "GET {target} HTTP/1.1\r\nHost: x\r\n\r\n";

    private Corpus() {
    }

    /** Every case, requests then responses. */
    static List<DesyncCase> load() {
        List<DesyncCase> all = new ArrayList<>();
        all.addAll(load("desync/requests.txt", Direction.REQUEST));
        all.addAll(load("desync/responses.txt", Direction.RESPONSE));
        Set<String> ids = new HashSet<>();
        for (DesyncCase c : all) {
            if (!ids.add(c.id())) {
                throw new IllegalStateException("id: '" + c.id() + "' (expected: unique in the corpus)");
            }
        }
        return all;
    }

    static List<DesyncCase> load(String resource, Direction direction) {
        InputStream in = Corpus.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException("resource: " + resource + " (expected: on the test classpath)");
        }
        List<DesyncCase> cases = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            Map<String, StringBuilder> block = new LinkedHashMap<>();
            int lineNo = 0;
            for (String line = r.readLine(); ; line = r.readLine()) {
                lineNo++;
                if (line == null || line.isBlank()) {
                    if (!block.isEmpty()) {
                        cases.add(toCase(block, direction, resource + ":" + lineNo));
                        block.clear();
                    }
                    if (line == null) {
                        return cases;
                    }
                    continue;
                }
                if (line.startsWith("#")) {
                    continue;
                }
                int colon = line.indexOf(':');
                if (colon < 1) {
                    throw new IllegalStateException(resource + ":" + lineNo + ": '" + line + "' (expected: key: value)");
                }
                String key = line.substring(0, colon);
                String value = line.substring(colon + 1);
                value = value.startsWith(" ") ? value.substring(1) : value;
                block.computeIfAbsent(key, k -> new StringBuilder()).append(value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static DesyncCase toCase(Map<String, StringBuilder> block, Direction direction, String where) {
        String id = value(block, "id", null, where);
        String send = value(block, "send", direction == Direction.RESPONSE ? DEFAULT_ASK : null, where);
        byte[] reply = null;
        byte[] later = null;
        int laterMillis = 0;
        if (direction == Direction.RESPONSE) {
            reply = bytes(value(block, "reply", null, where));
            String l = value(block, "later", "", where);
            if (!l.isEmpty()) {
                int space = l.indexOf(' ');
                laterMillis = Integer.parseInt(l.substring(0, space));
                later = bytes(l.substring(space + 1));
            }
        }
        return new DesyncCase(id, direction, value(block, "desc", null, where), value(block, "src", null, where),
                bytes(send), Integer.parseInt(value(block, "requests", "1", where)), reply, later, laterMillis,
                value(block, "close", "no", where).equals("yes"));
    }

    private static String value(Map<String, StringBuilder> block, String key, String otherwise, String where) {
        StringBuilder v = block.get(key);
        if (v == null) {
            if (otherwise == null) {
                throw new IllegalStateException(where + ": " + key + ": missing (expected in every case) in " + block);
            }
            return otherwise;
        }
        return v.toString();
    }

    /** The bytes an escaped value stands for, one byte per char (ISO-8859-1). */
    static byte[] bytes(String escaped) {
        return unescape(expand(escaped)).getBytes(StandardCharsets.ISO_8859_1);
    }

    private static String expand(String s) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (int open = s.indexOf("{{"); open >= 0; open = s.indexOf("{{", at)) {
            int close = s.indexOf("}}", open);
            int star = s.indexOf('*', open);
            if (close < 0 || star < 0 || star > close) {
                throw new IllegalStateException("'" + s + "' (expected: {{N*text}})");
            }
            out.append(s, at, open);
            out.append(s.substring(star + 1, close).repeat(Integer.parseInt(s.substring(open + 2, star))));
            at = close + 2;
        }
        return out.append(s.substring(at)).toString();
    }

    private static String unescape(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xff) {
                throw new IllegalStateException("'" + s + "' (expected: bytes; write \\xHH for non-ASCII)");
            }
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char n = s.charAt(++i);
            switch (n) {
                case 'r' -> out.append('\r');
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case '0' -> out.append('\0');
                case '\\' -> out.append('\\');
                case 'x' -> {
                    out.append((char) Integer.parseInt(s.substring(i + 1, i + 3), 16));
                    i += 2;
                }
                default -> throw new IllegalStateException("escape: \\" + n + " in '" + s + "' (expected: r n t 0 \\ xHH)");
            }
        }
        return out.toString();
    }
}
