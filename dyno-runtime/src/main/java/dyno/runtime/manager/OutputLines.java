package dyno.runtime.manager;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Cuts a process's output into lines: at {@code \n}, {@code \r} or {@code \r\n}, and a line longer
 * than {@code maxBytes} into pieces of at most that many bytes, each ending on a whole UTF-8
 * character (Heroku splits at 10000 bytes). Memory stays bounded by {@code maxBytes} whatever the
 * process writes.
 */
final class OutputLines {
    /** Receives each line as bytes, to decode only the lines that are kept. */
    interface Sink {
        void line(byte[] bytes, int length);
    }

    private OutputLines() {
    }

    static void read(InputStream in, int maxBytes, Sink sink) throws IOException {
        byte[] buf = new byte[8192];
        byte[] line = new byte[maxBytes];
        int len = 0;
        boolean afterCr = false;
        // a line of exactly maxBytes went out before its end of line: that end adds no empty line
        boolean afterSplit = false;
        for (int n; (n = in.read(buf)) != -1; ) {
            for (int i = 0; i < n; i++) {
                byte b = buf[i];
                if (afterCr) {
                    afterCr = false;
                    if (b == '\n') {
                        continue;
                    }
                }
                if (b == '\n' || b == '\r') {
                    if (!(afterSplit && len == 0)) {
                        sink.line(line, len);
                    }
                    len = 0;
                    afterCr = b == '\r';
                    afterSplit = false;
                    continue;
                }
                afterSplit = false;
                line[len++] = b;
                if (len == maxBytes) {
                    // out at once, so that a process writing a long line and then nothing is not held back
                    int cut = lastCharStart(line, len);
                    sink.line(line, cut);
                    System.arraycopy(line, cut, line, 0, len - cut);
                    len -= cut;
                    afterSplit = true;
                }
            }
        }
        if (len > 0) {
            sink.line(line, len);
        }
    }

    /** Where to cut {@code line[0..len)} so that no UTF-8 character is split: {@code len} unless the last is incomplete. */
    static int lastCharStart(byte[] line, int len) {
        int i = len - 1;
        while (i > 0 && len - i < 4 && (line[i] & 0xC0) == 0x80) {
            i--;
        }
        int lead = line[i] & 0xFF;
        int need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
        return len - i < need && i > 0 ? i : len;
    }

    static String decode(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.UTF_8);
    }
}
