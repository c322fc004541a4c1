package dyno.router.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code dyno router} in a JVM of its own (its own heap, its own open-file limit), started from the
 * test classpath; its output lines (the listening line, access lines, logs) are collected.
 */
public final class RouterProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");

    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();
    private final int port;

    private RouterProcess(List<String> command) throws IOException {
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                // the router ended
            }
        }, "router-output");
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> listening() != null || !process.isAlive());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        Matcher m = listening();
        if (m == null) {
            close();
            throw new IllegalStateException("the router did not start: " + String.join("\n", output));
        }
        port = Integer.parseInt(m.group(1));
    }

    /**
     * Starts {@code dyno router} on port 0 with these JVM options and router arguments; a non-null
     * {@code shellPrefix} runs first in bash (e.g. {@code ulimit -n 256}), then execs the JVM.
     */
    public static RouterProcess start(String shellPrefix, List<String> jvmOptions, List<String> routerArgs)
            throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>();
        if (shellPrefix != null) {
            command.addAll(List.of("bash", "-c", shellPrefix + " && exec \"$0\" \"$@\""));
        }
        command.add(java);
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), "dyno.router.cli.RouterCommand",
                "--port", "0"));
        command.addAll(routerArgs);
        return new RouterProcess(command);
    }

    /** Starts {@code dyno router ARGS} as given (no {@code --port 0} added: e.g. {@code --config FILE}). */
    public static RouterProcess startWith(List<String> routerArgs) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "dyno.router.cli.RouterCommand"));
        command.addAll(routerArgs);
        return new RouterProcess(command);
    }

    /** Sends the router a signal by name ({@code HUP}) with {@code kill}. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    private Matcher listening() {
        return output.stream().map(LISTENING::matcher).filter(Matcher::find).findFirst().orElse(null);
    }

    public int port() {
        return port;
    }

    /** Every line the router printed so far. */
    public List<String> output() {
        return List.copyOf(output);
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
