package dyno.router.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads fuzzer-chosen decisions front to back from the input bytes, so that a structured input is
 * a short string of choices that a person can also write by hand. Past the end every choice is 0.
 */
final class Choices {
    private final byte[] data;
    private int at;

    Choices(byte[] data, int from) {
        this.data = data;
        this.at = from;
    }

    /** A number in 0..n-1. */
    int pick(int n) {
        return at < data.length ? (data[at++] & 0xff) % n : 0;
    }

    /** One of the options. */
    <T> T pick(T[] options) {
        return options[pick(options.length)];
    }

    /** True about once in {@code n} choices. */
    boolean oneIn(int n) {
        return pick(n) == n - 1;
    }

    /** Up to {@code max} raw bytes: a length byte, then that many bytes (fewer at the end of the input). */
    byte[] bytes(int max) {
        int n = pick(max + 1);
        int end = Math.min(data.length, at + n);
        byte[] out = Arrays.copyOfRange(data, Math.min(at, end), end);
        at = end;
        return out;
    }

    /** Like {@link #bytes(int)}, read as ISO-8859-1 text. */
    String text(int max) {
        return new String(bytes(max), StandardCharsets.ISO_8859_1);
    }
}
