package dyno.router.fuzz;

import java.nio.charset.StandardCharsets;

/** Bytes as a Java string literal body: what a failure prints so the input can be pasted into a test. */
final class Escape {
    private static final int MAX = 8192;

    private Escape() {
    }

    static String of(byte[] bytes) {
        StringBuilder b = new StringBuilder(bytes.length + 32);
        for (int i = 0; i < bytes.length && i < MAX; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '\r' -> b.append("\\r");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c < 0x20 || c >= 0x7f) {
                        b.append(String.format("\\u%04x", c));
                    } else {
                        b.append((char) c);
                    }
                }
            }
        }
        if (bytes.length > MAX) {
            b.append("...(").append(bytes.length - MAX).append(" more bytes)");
        }
        return b.toString();
    }

    static String of(String latin1) {
        return of(latin1.getBytes(StandardCharsets.ISO_8859_1));
    }
}
