package dyno.platform.cli;

import java.io.PrintWriter;
import java.util.List;

/** Rows printed as left-aligned columns two spaces apart, the first row a header. */
final class ConsoleTable {
    private ConsoleTable() {
    }

    static void print(PrintWriter out, List<String[]> rows) {
        int[] width = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                line.append(r[i]);
                if (i < r.length - 1) {
                    line.append(" ".repeat(width[i] - r[i].length() + 2));
                }
            }
            out.println(line);
        }
    }
}
