package dyno.platform.cli;

import dyno.runtime.log.LogLine;
import java.io.PrintWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Consumer;

/** Prints log lines foreman-style: {@code 10:31:02 web.1         | listening}, coloured per dyno on a terminal. */
final class ConsolePrinter implements Consumer<LogLine> {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    private static final int[] COLOURS = {36, 33, 32, 35, 34, 91, 92, 93, 94, 95, 96};
    private final PrintWriter out;
    private final boolean colour;

    ConsolePrinter(PrintWriter out, boolean colour) {
        this.out = out;
        this.colour = colour;
    }

    @Override
    public void accept(LogLine line) {
        String label = LogLine.APP.equals(line.source()) ? line.dyno() : line.tag();
        String prefix = TIME.format(line.time()) + " " + String.format("%-13s", label) + " |";
        if (colour) {
            int c = COLOURS[Math.floorMod(line.dyno().hashCode(), COLOURS.length)];
            prefix = "\u001b[" + c + "m" + prefix + "\u001b[0m";
        }
        out.println(prefix + " " + line.message());
        out.flush();
    }
}
