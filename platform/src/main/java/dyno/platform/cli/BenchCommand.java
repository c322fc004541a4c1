package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dyno.platform.bench.BenchReport;
import dyno.platform.bench.BenchStep;
import dyno.platform.bench.HostCpu;
import dyno.platform.bench.HtmlReport;
import dyno.platform.bench.LoadGenerator;
import dyno.platform.bench.LoadPlan;
import dyno.platform.bench.LoadResult;
import dyno.platform.bench.Ramp;
import dyno.platform.bench.RequestMix;
import dyno.platform.client.ApiClient;
import dyno.platform.client.DaemonInfo;
import dyno.platform.daemon.Daemon;
import dyno.platform.daemon.DaemonOptions;
import dyno.router.Balance;
import dyno.router.RouterConfig;
import dyno.platform.bench.BalanceComparison;
import dyno.runtime.manager.ManagerSettings;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code dyno bench}: sweep the number of web dynos under load and report throughput and latency. */
@Command(name = "bench", description = "Load-test horizontal scaling: scale web to each step, drive load, report.")
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--dir", description = "App directory (default: .). Started for the run if not running.")
    Path dir = Path.of(".");
    @Option(names = {"-f", "--procfile"}, paramLabel = "FILE", description = "Procfile to read when bench starts the app"
            + " (default: DIR/Procfile); relative to the current directory.")
    Path procfile;
    @Option(names = "--path", paramLabel = "/PATH[:WEIGHT]", defaultValue = "/work?ms=20",
            description = "Request path; repeat for a mix, each taken in proportion to its weight, e.g."
                    + " --path /cpu?ms=20:3 --path /:1 (default: ${DEFAULT-VALUE}).")
    List<String> paths;
    @Option(names = "--method", defaultValue = "GET", description = "Request method (default: ${DEFAULT-VALUE}).")
    String method;
    @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'", description = "Request header; repeatable.")
    List<String> headers = new ArrayList<>();
    @Option(names = "--body", description = "Request body.")
    String body;
    @Option(names = "--body-file", paramLabel = "FILE", description = "Request body read from FILE.")
    Path bodyFile;
    @Option(names = "--no-scale", description = "Measure the formation as it is: one step at the current web"
            + " quantity, nothing scaled (not with --scale).")
    boolean noScale;
    @Option(names = "--scale", description = "Steps, e.g. web=1,2,4,8 (default: ${DEFAULT-VALUE}).", defaultValue = "web=1,2,4,8")
    String scale;
    @Option(names = "--duration", converter = DurationConverter.class, defaultValue = "20s",
            description = "Measured time per step (default: ${DEFAULT-VALUE}).")
    Duration duration;
    @Option(names = "--warmup", converter = DurationConverter.class, defaultValue = "5s",
            description = "Unmeasured load before each step (default: ${DEFAULT-VALUE}).")
    Duration warmup;
    @Option(names = "--concurrency", defaultValue = "64", description = "Closed loop: connections sending back to back "
            + "(default: ${DEFAULT-VALUE}); with --rate, the most requests in flight.")
    int concurrency;
    @Option(names = "--rate", description = "Open loop: requests per second, latency from the intended send time.")
    double rate;
    @Option(names = "--ramp", paramLabel = "FROM:TO", description = "One open-loop run whose rate rises from FROM to TO"
            + " requests/s over --duration, nothing scaled: watch an autoscaler follow it (report: rates, p95 and web"
            + " dynos each second).")
    String ramp;
    @Option(names = "--scale-at", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "With --ramp and --scale web=A,B: run at web=A (warmed up for --warmup), ask for web=B"
                    + " DURATION into the run, and report latency before, while and after the change.")
    Duration scaleAt;
    @Option(names = "--out", description = "HTML report (default: ${DEFAULT-VALUE}).", defaultValue = "bench.html")
    Path out;
    @Option(names = "--json", description = "Print the results as JSON instead of a table.")
    boolean json;
    @Option(names = "--compare-balance", description = "Run the same open-loop workload at the last --scale step "
            + "under each balancing strategy and compare p99 (starts the app itself; it must not be running).")
    boolean compareBalance;

    @Override
    public Integer call() throws Exception {
        List<Integer> steps;
        RequestMix mix;
        RampBench.ScaleStep scaleStep = null;
        try {
            steps = parseSteps(scale);
            mix = mix();
            if (noScale && spec.commandLine().getParseResult().hasMatchedOption("--scale")) {
                throw new IllegalArgumentException("--no-scale: not with --scale (it measures the formation as it is)");
            }
            boolean scaleGiven = spec.commandLine().getParseResult().hasMatchedOption("--scale");
            if (ramp != null && (compareBalance || rate > 0 || noScale || (scaleGiven && scaleAt == null))) {
                throw new IllegalArgumentException("--ramp: not with --rate, --no-scale or --compare-balance, nor with"
                        + " --scale unless --scale-at is given (it sets the rate itself and scales nothing)");
            }
            if (scaleAt != null) {
                scaleStep = scaleStep(steps, scaleGiven);
            }
            if (noScale && compareBalance) {
                throw new IllegalArgumentException("--no-scale: not with --compare-balance (that starts the app per strategy)");
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e); // a usage error: exit 2
        }
        String path = mix.describe();
        if (duration.compareTo(Duration.ofMinutes(10)) > 0 || warmup.compareTo(Duration.ofMinutes(10)) > 0) {
            throw new IllegalArgumentException("--duration/--warmup: at most 10m per step");
        }
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter stderr = spec.commandLine().getErr();
        if (compareBalance) {
            return compareBalance(steps.get(steps.size() - 1), mix, stdout, stderr);
        }
        Daemon started = null;
        if (DaemonInfo.readLive(dir.toAbsolutePath().normalize()).isEmpty()) {
            stderr.println("Starting the app in " + dir.toAbsolutePath().normalize() + " for the run...");
            stderr.flush();
            started = Daemon.start(new DaemonOptions(dir, null, null, List.of(), Duration.ofDays(1),
                    RouterConfig.builder().port(0).build(), ManagerSettings.defaults()).withProcfile(procfile), line -> { });
        } else if (procfile != null) {
            stderr.println("Note: --procfile is not used: the app is already running (with the Procfile it was started with)");
        }
        try {
            ApiClient api = ApiClient.forDir(dir);
            if (ramp != null) {
                URI rampTarget = URI.create("http://127.0.0.1:" + api.daemon().routerPort() + "/");
                Ramp r = Ramp.parse(ramp, duration);
                return RampBench.run(api, r, new LoadPlan(rampTarget, duration, concurrency, 1, mix), scaleStep, warmup,
                        path, out, json, stdout, stderr);
            }
            int originalWeb = WebFormation.quantity(api);
            if (noScale) {
                if (originalWeb < 1) {
                    throw new IllegalArgumentException("--no-scale: the app runs no web dyno (scale web first)");
                }
                steps = List.of(originalWeb);
            }
            URI target = URI.create("http://127.0.0.1:" + api.daemon().routerPort() + "/");
            String mode = rate > 0 ? String.format(Locale.ROOT, "open loop at %.0f req/s (at most %d in flight)", rate, concurrency)
                    : "closed loop, " + concurrency + " connections";
            List<BenchStep> results = new ArrayList<>();
            LoadGenerator load = new LoadGenerator();
            try {
                for (int i = 0; i < steps.size(); i++) {
                    int n = steps.get(i);
                    String label = String.format(Locale.ROOT, "step %d/%d web=%d", i + 1, steps.size(), n);
                    if (!noScale) {
                        progress(stderr, label + ": scaling...");
                        WebFormation.scaleAndWait(api, n);
                    } else {
                        WebFormation.awaitUp(api, n);
                    }
                    if (!warmup.isZero()) {
                        progress(stderr, label + ": warming up...");
                        load.run(new LoadPlan(target, warmup, concurrency, rate, mix));
                    }
                    java.util.Optional<HostCpu> before = HostCpu.read();
                    Map<String, Double> cpuBefore = webCpuSeconds(api);
                    LoadResult r = runWithProgress(load, new LoadPlan(target, duration, concurrency, rate, mix), label, stderr);
                    double busy = before.flatMap(b -> HostCpu.read().map(a -> a.busySince(b))).orElse(-1.0);
                    double dynoCores = coresUsed(cpuBefore, webCpuSeconds(api), r.seconds());
                    results.add(BenchStep.of(n, r).withCpu(webCpuShare(api), dynoCores, busy));
                }
            } finally {
                if (!noScale) {
                    WebFormation.scaleAndWait(api, originalWeb);
                }
            }
            if (TTY) {
                stderr.print("\r\033[K");
                stderr.flush();
            }
            BenchReport report = new BenchReport(api.daemon().app(), path, mode, duration.toMillis() / 1000.0, results,
                    Runtime.getRuntime().availableProcessors());
            if (json) {
                stdout.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report.json()));
            } else {
                stdout.print(report.table());
            }
            Files.writeString(out, HtmlReport.render(report), StandardCharsets.UTF_8);
            stderr.println("Report: " + out.toAbsolutePath());
            stdout.flush();
            stderr.flush();
            return 0;
        } finally {
            if (started != null) {
                started.close();
            }
        }
    }

    private int compareBalance(int dynos, RequestMix mix, PrintWriter stdout, PrintWriter stderr) throws Exception {
        String path = mix.describe();
        Path abs = dir.toAbsolutePath().normalize();
        if (DaemonInfo.readLive(abs).isPresent()) {
            throw new IllegalArgumentException("--compare-balance starts the app once per strategy: stop it first with: dyno down --dir " + abs);
        }
        double targetRate = rate;
        List<BalanceComparison.Row> rows = new ArrayList<>();
        for (Balance balance : Balance.values()) {
            String label = "balance " + balance.id() + " web=" + dynos;
            progress(stderr, label + ": starting...");
            try (Daemon daemon = Daemon.start(new DaemonOptions(dir, null, null, List.of("web=" + dynos), Duration.ofDays(1),
                    RouterConfig.builder().port(0).balance(balance).build(), ManagerSettings.defaults())
                    .withProcfile(procfile), line -> { })) {
                ApiClient api = ApiClient.forDir(dir);
                WebFormation.scaleAndWait(api, dynos);
                URI target = URI.create("http://127.0.0.1:" + daemon.routerPort() + "/");
                LoadGenerator load = new LoadGenerator();
                if (targetRate <= 0) {
                    progress(stderr, label + ": measuring capacity (closed loop)...");
                    LoadResult capacity = load.run(new LoadPlan(target, warmup.isZero() ? Duration.ofSeconds(5) : warmup,
                            concurrency, 0, mix));
                    targetRate = Math.max(1, 0.7 * capacity.throughput());
                    stderr.println(String.format(Locale.ROOT, "%nCapacity %.1f req/s: comparing at 70%%, %.1f req/s",
                            capacity.throughput(), targetRate));
                } else if (!warmup.isZero()) {
                    progress(stderr, label + ": warming up...");
                    load.run(new LoadPlan(target, warmup, concurrency, targetRate, mix));
                }
                LoadResult r = runWithProgress(load, new LoadPlan(target, duration, concurrency, targetRate, mix), label, stderr);
                rows.add(new BalanceComparison.Row(balance.id(), BenchStep.of(dynos, r)));
            }
        }
        if (TTY) {
            stderr.print("\r\033[K");
        }
        BalanceComparison comparison = new BalanceComparison(path, dynos, targetRate, rows);
        stdout.printf(Locale.ROOT, "Open loop at %.1f req/s, %d web dynos, %s%n", targetRate, dynos, path);
        stdout.print(comparison.table());
        stdout.flush();
        stderr.flush();
        return 0;
    }

    /** The requests from {@code --method}, {@code --header}, {@code --body}/{@code --body-file} and {@code --path}. */
    private RequestMix mix() throws java.io.IOException {
        if (body != null && bodyFile != null) {
            throw new IllegalArgumentException("--body, --body-file: one or the other, not both");
        }
        byte[] bytes = body != null ? body.getBytes(StandardCharsets.UTF_8) : null;
        if (bodyFile != null) {
            if (!Files.isRegularFile(bodyFile)) {
                throw new IllegalArgumentException("--body-file: " + bodyFile + " (expected: a readable file)");
            }
            bytes = Files.readAllBytes(bodyFile);
        }
        return new RequestMix(method.toUpperCase(Locale.ROOT), headers.stream().map(RequestMix::parseHeader).toList(), bytes,
                paths.stream().map(RequestMix::parsePath).toList());
    }

    /** The CPU limits of the web dynos added up, in cores; 0 where they are not enforced. */
    private static double webCpuShare(ApiClient api) {
        double cores = 0;
        for (JsonNode d : api.get(api.appPath("/dynos"))) {
            if (d.path("type").asText().equals("web") && d.path("limits_enforced").asBoolean()) {
                cores += d.path("cpu_limit_cores").asDouble();
            }
        }
        return cores;
    }

    /** CPU seconds each web dyno's process has used, from the manager's last sample; dynos not measured are left out. */
    private static Map<String, Double> webCpuSeconds(ApiClient api) {
        Map<String, Double> out = new java.util.HashMap<>();
        for (JsonNode d : api.get(api.appPath("/dynos"))) {
            if (d.path("type").asText().equals("web") && d.path("cpu_seconds").asDouble(-1) >= 0) {
                out.put(d.path("name").asText() + "@" + d.path("pid").asLong(), d.path("cpu_seconds").asDouble());
            }
        }
        return out;
    }

    /** Cores the web dynos used between two readings {@code seconds} apart; -1 when none was measured twice. */
    static double coresUsed(Map<String, Double> before, Map<String, Double> after, double seconds) {
        double used = 0;
        boolean any = false;
        for (Map.Entry<String, Double> e : after.entrySet()) {
            Double b = before.get(e.getKey()); // same dyno, same process
            if (b != null && e.getValue() >= b) {
                used += e.getValue() - b;
                any = true;
            }
        }
        return any && seconds > 0 ? used / seconds : -1;
    }

    /** The {@code --scale web=A,B --scale-at T} of a ramp, checked against its duration. */
    private RampBench.ScaleStep scaleStep(List<Integer> steps, boolean scaleGiven) {
        if (ramp == null || !scaleGiven || steps.size() != 2) {
            throw new IllegalArgumentException("--scale-at: needs --ramp and --scale web=A,B (two steps: the web dynos"
                    + " before and after), e.g. --ramp 40:40 --scale web=2,4 --scale-at 10s");
        }
        if (scaleAt.compareTo(Duration.ofSeconds(1)) < 0 || scaleAt.compareTo(duration) >= 0) {
            throw new IllegalArgumentException("--scale-at: " + scaleAt.toSeconds() + "s (expected: from 1s to less than"
                    + " --duration " + duration.toSeconds() + "s)");
        }
        return new RampBench.ScaleStep(steps.get(0), steps.get(1), scaleAt);
    }

    static List<Integer> parseSteps(String scale) {
        String s = scale.strip();
        if (!s.startsWith("web=")) {
            throw new IllegalArgumentException("--scale: \"" + scale + "\" (expected: web=N[,N...], e.g. web=1,2,4,8)");
        }
        List<Integer> steps = new ArrayList<>();
        for (String part : s.substring(4).split(",")) {
            try {
                int n = Integer.parseInt(part.strip());
                if (n < 1 || n > 100) {
                    throw new NumberFormatException();
                }
                steps.add(n);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--scale: \"" + part + "\" (expected: a number of web dynos 1..100)");
            }
        }
        return steps;
    }

    private LoadResult runWithProgress(LoadGenerator load, LoadPlan plan, String label, PrintWriter err) throws Exception {
        long start = System.nanoTime();
        Thread ticker = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                double s = (System.nanoTime() - start) / 1e9;
                progress(err, String.format(Locale.ROOT, "%s: %4.1fs/%ds  %8.1f req/s  errors %d", label, s,
                        plan.duration().toSeconds(), load.completed() / Math.max(s, 0.001), load.errors()));
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "bench-progress");
        ticker.setDaemon(true);
        ticker.start();
        try {
            return load.run(plan);
        } finally {
            ticker.interrupt();
        }
    }

    private static final boolean TTY = System.console() != null;
    private static long lastPlain;

    /** One live line on a terminal; elsewhere a plain line at most every 2 s. */
    private static synchronized void progress(PrintWriter err, String line) {
        if (TTY) {
            err.print("\r\033[K" + line);
        } else if (System.nanoTime() - lastPlain > 2_000_000_000L || !line.contains("req/s")) {
            lastPlain = System.nanoTime();
            err.println(line);
        }
        err.flush();
    }
}
