package dyno.platform.cli;

/**
 * Ctrl-C and Ctrl-\ on a terminal go to every process of the foreground group: while a one-off
 * runs attached, they are its to handle (a REPL keeps running), not this JVM's to die of. A
 * handler, not an ignore: a caught signal is reset to its default in the child at exec, an ignored
 * one would stay ignored there.
 */
final class TerminalSignals {
    private TerminalSignals() {
    }

    @SuppressWarnings("removal")
    static void leaveToChild() {
        for (String name : new String[] {"INT", "QUIT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name), sig -> { });
            } catch (IllegalArgumentException | UnsupportedOperationException notHere) {
                // the JVM uses it (-Xrs) or it does not exist here: leave the default
            }
        }
    }
}
