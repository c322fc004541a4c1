package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.ApiClient;
import dyno.platform.client.ApiException;
import dyno.platform.client.DaemonInfo;
import dyno.runtime.app.EnvFile;
import dyno.runtime.release.ConfigVars;
import dyno.runtime.release.Releases;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code dyno run COMMAND}: a one-off dyno ({@code run.N}) with the app's config vars, {@code PORT}
 * and {@code DYNO}, attached to this terminal; its exit status is this command's. With a daemon
 * running it is listed in {@code ps} and ended when the daemon stops; {@code --detached} has the
 * daemon run it, its output in the app log.
 */
@Command(name = "run", description = "Run a one-off command (run.N) with the app's config vars, attached to this terminal;"
        + " its exit status is returned. --detached runs it in the daemon, output to the app log.")
final class RunCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = {"-d", "--detached"}, description = "Run it in the daemon; its output goes to the app log (dyno logs --dyno run.N).")
    boolean detached;
    @Option(names = {"-e", "--env"}, paramLabel = "KEY=VALUE;...", description = "Extra environment for this run only, ';'-separated.")
    String extraEnv;
    @Parameters(paramLabel = "COMMAND", arity = "1..*", description = "The command, run with bash -c (sh -c without bash).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        String cmd = String.join(" ", command);
        Map<String, String> extra = parseEnv(extraEnv);
        Path dir = app.dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--dir " + dir + ": not a directory (expected: the app's directory)");
        }
        Optional<ApiClient> client = DaemonInfo.readLive(dir).map(ApiClient::new);
        var out = spec.commandLine().getOut();
        if (detached) {
            ApiClient c = client.orElseThrow(() -> new ApiException(0, "run --detached needs the app running in " + dir
                    + "\nHint: start it with: dyno up --dir " + dir));
            JsonNode dyno = c.post(c.appPath("/dynos"), Map.of("command", cmd, "attach", false, "env", extra));
            out.println("Running `" + cmd + "` on " + c.daemon().app() + "... up, " + dyno.path("name").asText());
            out.println("Run dyno logs --dyno " + dyno.path("name").asText() + " to see its output.");
            out.flush();
            return 0;
        }
        Map<String, String> env = new LinkedHashMap<>();
        String name;
        if (client.isPresent()) {
            ApiClient c = client.get();
            JsonNode dyno = c.post(c.appPath("/dynos"), Map.of("command", cmd, "attach", true, "env", extra));
            name = dyno.path("name").asText();
            dyno.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        } else {
            name = "run.1";
            env.putAll(configWithoutDaemon(dir));
            env.putAll(extra);
        }
        env.put("PORT", Integer.toString(freePort()));
        env.put("DYNO", name);
        env.put("PS", name);
        try {
            return attached(dir, cmd, env, name, client);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot start `" + cmd + "`: " + e.getMessage());
        }
    }

    private int attached(Path dir, String cmd, Map<String, String> env, String name, Optional<ApiClient> client)
            throws IOException, InterruptedException {
        return AttachedRun.run(dir, cmd, env, pid -> client.ifPresent(c -> {
            try {
                c.post(c.appPath("/dynos/" + name + "/actions/attach"), Map.of("pid", pid, "command", cmd));
            } catch (ApiException e) {
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                    spec.commandLine().getErr().println("run: not listed in ps (" + e.getMessage() + ")");
                } // else it ended before the daemon could list it: nothing to say
            }
        }));
    }

    /** The config of record when no daemon runs: the releases file's, else the {@code .env}'s. */
    private static Map<String, String> configWithoutDaemon(Path dir) {
        Path releases = dir.resolve(".dyno").resolve("releases.json");
        if (Files.exists(releases)) {
            return Releases.open(releases, Map.of(), Clock.systemUTC()).config();
        }
        return ConfigVars.withoutReserved(EnvFile.readIfExists(dir.resolve(".env")));
    }

    static Map<String, String> parseEnv(String spec) {
        Map<String, String> env = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return env;
        }
        for (String pair : spec.split(";")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--env: \"" + pair + "\" (expected: KEY=VALUE;KEY2=VALUE2)");
            }
            String key = pair.substring(0, eq).trim();
            ConfigVars.checkName(key);
            env.put(key, pair.substring(eq + 1));
        }
        return env;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
