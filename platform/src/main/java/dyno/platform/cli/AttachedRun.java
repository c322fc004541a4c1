package dyno.platform.cli;

import dyno.runtime.process.ProcessId;
import dyno.runtime.process.ProcessTable;
import dyno.runtime.process.ProcessTree;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * Runs a one-off command on this terminal: its stdin, stdout and stderr are the terminal's (a TTY
 * when they are one), Ctrl-C reaches it and not this JVM, its exit status is returned, and what it
 * leaves running when it ends is ended too (SIGTERM, then SIGKILL), as a one-off dyno's processes
 * end with it. Its descendants are tracked every {@value #SCAN_MS} ms while they live.
 */
final class AttachedRun {
    private static final long SCAN_MS = 200;
    /** How long what the command left behind has after SIGTERM before SIGKILL. */
    private static final long GRACE_MS = 5_000;

    private AttachedRun() {
    }

    /**
     * Runs {@code command} with {@code bash -c} (as Heroku runs one-offs; {@code sh -c} where there is
     * no bash) in {@code dir}; {@code started} learns its pid. Returns its exit status.
     */
    static int run(Path dir, String command, Map<String, String> env, LongConsumer started) throws IOException, InterruptedException {
        // bash runs a lone command in its own place: a program that handles Ctrl-C and exits 3 gives 3;
        // dash would stay its parent and die of the SIGINT, giving 130
        String shell = java.nio.file.Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "sh";
        ProcessBuilder pb = new ProcessBuilder(shell, "-c", command).directory(dir.toFile()).inheritIO();
        pb.environment().putAll(env);
        TerminalSignals.leaveToChild();
        Process p = pb.start();
        ProcessTree tree = ProcessId.of(p.pid()).map(ProcessTree::new).orElse(null);
        ScheduledExecutorService scanner = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dyno-run-scan");
            t.setDaemon(true);
            return t;
        });
        Thread hook = new Thread(() -> end(p, tree, scanner), "dyno-run-stop");
        Runtime.getRuntime().addShutdownHook(hook); // SIGTERM or SIGHUP to this CLI ends the command too
        try {
            if (tree != null) {
                scanner.scheduleWithFixedDelay(() -> refresh(tree), 0, SCAN_MS, TimeUnit.MILLISECONDS);
            }
            started.accept(p.pid());
            int status = p.waitFor();
            end(p, tree, scanner);
            return status;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs
            }
        }
    }

    private static synchronized void refresh(ProcessTree tree) {
        tree.refresh(ProcessTable.read());
    }

    /** SIGTERM to what is left of the command's tree, SIGKILL to what is still there after the grace. */
    private static void end(Process p, ProcessTree tree, ScheduledExecutorService scanner) {
        scanner.shutdownNow();
        if (tree == null) {
            p.destroyForcibly();
            return;
        }
        refresh(tree);
        if (tree.isEmpty()) {
            return;
        }
        tree.signal(false);
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GRACE_MS);
        while (System.nanoTime() - deadline < 0) {
            refresh(tree);
            if (tree.isEmpty()) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        tree.signal(true);
    }
}
