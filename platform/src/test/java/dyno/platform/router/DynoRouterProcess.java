package dyno.platform.router;

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

/** {@code dyno router ARGS} in a JVM of its own, as a user runs it; its output lines are collected. */
public final class DynoRouterProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on http://127\\.0\\.0\\.1:(\\d+)");
    private final Process process;
    private final List<String> output = new CopyOnWriteArrayList<>();

    private DynoRouterProcess(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-cp", System.getProperty("java.class.path"), "dyno.platform.cli.DynoCommand", "router"));
        command.addAll(args);
        process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) {
                    output.add(line);
                }
            } catch (IOException e) {
                // it ended
            }
        }, "dyno-router-output");
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts it and waits (30 s at most) until it listens. */
    public static DynoRouterProcess start(String... args) throws IOException {
        DynoRouterProcess p = new DynoRouterProcess(List.of(args));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> p.port() > 0 || !p.process.isAlive());
        } catch (RuntimeException e) {
            p.close();
            throw e;
        }
        if (p.port() <= 0) {
            p.close();
            throw new IllegalStateException("dyno router did not start: " + String.join("\n", p.output));
        }
        return p;
    }

    /** The port of its first listening line, 0 before it. */
    public int port() {
        for (String line : output) {
            Matcher m = LISTENING.matcher(line);
            if (m.find()) {
                return Integer.parseInt(m.group(1));
            }
        }
        return 0;
    }

    public List<String> output() {
        return List.copyOf(output);
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, as Ctrl-C or a service manager stops it; waits up to 20 s, then kills. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
