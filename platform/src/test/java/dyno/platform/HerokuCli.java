package dyno.platform;

import dyno.platform.client.DaemonInfo;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.opentest4j.TestAbortedException;

/**
 * The official Heroku CLI, run against a daemon's control API with nothing of the user's and no
 * call home: {@code HEROKU_CLI} (or {@code -Dheroku.cli}) names its {@code heroku} executable,
 * else {@code npm install heroku@}{@value #VERSION} puts it under {@code target/heroku-cli} once.
 * Every process it starts is bounded by a timeout and killed with its children past it.
 */
final class HerokuCli {
    static final String VERSION = "11.10.0";
    private static final Path INSTALL = Path.of("target", "heroku-cli").toAbsolutePath();
    private static final long INSTALL_MINUTES = 10;
    private static final long RUN_SECONDS = 90;

    /** What one command did. */
    record Result(int status, String out, String err) {
        String all() {
            return out + err;
        }
    }

    private final Path executable;
    private final Path home;
    private final Map<String, String> env;
    private final java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();

    private HerokuCli(Path executable, Path home, Map<String, String> env) {
        this.executable = executable;
        this.home = home;
        this.env = env;
    }

    /** The CLI {@code executable} (see {@link #locate}) for {@code daemon}, with a HOME under {@code work}. */
    static HerokuCli forDaemon(Path executable, DaemonInfo daemon, Path work) throws Exception {
        Path home = Files.createDirectories(work.resolve("home"));
        // the terms-of-service banner is printed once per HOME
        Files.createDirectories(home.resolve(".cache/heroku"));
        Files.writeString(home.resolve(".cache/heroku/terms-of-service"), "");
        String api = "http://127.0.0.1:" + daemon.apiPort();
        Map<String, String> env = Map.ofEntries(
                Map.entry("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")),
                Map.entry("HOME", home.toString()),
                Map.entry("HEROKU_HOST", api),
                Map.entry("HEROKU_API_KEY", daemon.token()),
                // what the CLI would otherwise send to Heroku: telemetry (with the token), npm update
                // checks, autoupdates, the delinquency check of GET /account; its git credential helper goes to a throwaway file
                Map.entry("DISABLE_TELEMETRY", "true"),
                Map.entry("HEROKU_SKIP_ANALYTICS", "1"),
                Map.entry("HEROKU_SKIP_NEW_VERSION_CHECK", "true"),
                Map.entry("HEROKU_DISABLE_AUTOUPDATE", "true"),
                Map.entry("HEROKU_PARTICLEBOARD_URL", api),
                // never /dev/null: git writes its config by renaming a lock file over it, which as root
                // replaces the device with a regular file for the whole machine
                Map.entry("GIT_CONFIG_GLOBAL", home.resolve(".gitconfig").toString()),
                Map.entry("NO_PROXY", "127.0.0.1,localhost"),
                Map.entry("HEROKU_COLOR", "0"),
                Map.entry("NO_COLOR", "1"));
        return new HerokuCli(executable, home, env);
    }

    /** This CLI with another API key (the daemon's must then be refused). */
    HerokuCli withApiKey(String key) {
        Map<String, String> other = new java.util.HashMap<>(env);
        other.put("HEROKU_API_KEY", key);
        return new HerokuCli(executable, home, Map.copyOf(other));
    }

    /** A started {@code heroku} process and the files its output goes to. */
    record Running(Process process, Path out, Path err) {
        /** What it printed on stdout so far. */
        String output() throws IOException {
            return Files.readString(out, StandardCharsets.UTF_8);
        }

        /** Kills it and its children. */
        void kill() throws InterruptedException {
            HerokuCli.kill(process);
        }
    }

    /** Runs {@code heroku ARGS...} to its end (at most 90 s), stdin empty. */
    Result run(String... args) throws Exception {
        Running r = start(args);
        if (!r.process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
            r.kill();
            throw new AssertionError("heroku " + String.join(" ", args) + " still running after " + RUN_SECONDS + " s");
        }
        return new Result(r.process.exitValue(), r.output(), Files.readString(r.err, StandardCharsets.UTF_8));
    }

    /** Starts {@code heroku ARGS...}, stdin empty; the caller must {@link Running#kill} it. */
    Running start(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(executable.toString()));
        command.addAll(List.of(args));
        int n = runs.incrementAndGet();
        Path out = home.resolve("heroku-" + n + ".out");
        Path err = home.resolve("heroku-" + n + ".err");
        ProcessBuilder pb = new ProcessBuilder(command).directory(home.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        return new Running(pb.start(), out, err);
    }

    private static void kill(Process p) throws InterruptedException {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * The {@code heroku} executable: {@code HEROKU_CLI}'s, the one installed before, or one npm installs
     * now; skips the test where npm (or Node.js 20, which the CLI needs) is missing.
     */
    static Path locate(Path work) throws Exception {
        String given = System.getProperty("heroku.cli", System.getenv("HEROKU_CLI"));
        if (given != null && !given.isBlank()) {
            Path p = Path.of(given);
            if (!Files.isExecutable(p)) {
                throw new IllegalStateException("HEROKU_CLI: " + given + " (expected: the heroku executable)");
            }
            return p;
        }
        if (!onPath("node") || nodeMajor() < 20) {
            throw new TestAbortedException("the Heroku CLI " + VERSION + " needs Node.js 20 or later"
                    + " (Debian 12's nodejs is 18; install Node 20, e.g. from NodeSource, or set HEROKU_CLI)");
        }
        Path bin = INSTALL.resolve("node_modules/.bin/heroku");
        Path pkg = INSTALL.resolve("node_modules/heroku/package.json");
        if (Files.isExecutable(bin) && Files.exists(pkg) && Files.readString(pkg).contains("\"version\": \"" + VERSION + "\"")) {
            return bin;
        }
        if (!onPath("npm")) {
            throw new TestAbortedException("npm is not installed, so the Heroku CLI cannot be (.ci/run installs it;"
                    + " or set HEROKU_CLI to a heroku " + VERSION + " executable)");
        }
        Files.createDirectories(INSTALL);
        Path log = INSTALL.resolve("npm-install.log");
        Process npm = new ProcessBuilder("npm", "install", "--prefix", INSTALL.toString(), "--no-audit", "--no-fund",
                "--no-update-notifier", "--loglevel=error", "heroku@" + VERSION)
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        if (!npm.waitFor(INSTALL_MINUTES, TimeUnit.MINUTES)) {
            kill(npm);
            throw new IllegalStateException("npm install heroku@" + VERSION + " took over " + INSTALL_MINUTES + " minutes; see " + log);
        }
        if (npm.exitValue() != 0 || !Files.isExecutable(bin)) {
            throw new IllegalStateException("npm install heroku@" + VERSION + " failed (" + npm.exitValue() + "): "
                    + Files.readString(log));
        }
        return bin;
    }

    private static int nodeMajor() throws Exception {
        Process node = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        if (!node.waitFor(30, TimeUnit.SECONDS)) {
            kill(node);
            return 0;
        }
        String v = new String(node.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim(); // v20.20.2
        return v.matches("v\\d+\\..*") ? Integer.parseInt(v.substring(1, v.indexOf('.'))) : 0;
    }

    private static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }
}
