package dyno.platform.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dyno logs [-n 100] [--tail] [--source app|dyno] [--dyno web.1|router]}. */
@Command(name = "logs", description = "Show the app's log: process output, dyno events and router lines.")
final class LogsCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;
    @Mixin
    AppDir app;
    @Option(names = {"-n", "--num"}, description = "Lines of history (default: ${DEFAULT-VALUE}, at most 1500).", defaultValue = "100")
    int lines;
    @Option(names = {"-t", "--tail"}, description = "Keep streaming new lines.")
    boolean tail;
    @Option(names = {"-s", "--source"}, description = "Only lines from app or dyno.")
    String source;
    @Option(names = {"-d", "--dyno"}, description = "Only lines of one dyno (web.1), a type (web) or router.")
    String dyno;

    @Override
    public Integer call() {
        if (source != null && !source.equals("app") && !source.equals("dyno")) {
            throw new IllegalArgumentException("--source: \"" + source + "\" (expected: app or dyno)");
        }
        if (lines < 0 || lines > 1500) {
            throw new IllegalArgumentException("-n: " + lines + " (expected: 0..1500)");
        }
        var client = app.client();
        StringBuilder q = new StringBuilder("?lines=").append(lines);
        if (source != null) {
            q.append("&source=").append(source);
        }
        if (dyno != null) {
            q.append("&dyno=").append(URLEncoder.encode(dyno, StandardCharsets.UTF_8));
        }
        var out = spec.commandLine().getOut();
        client.stream(client.appPath((tail ? "/log-stream" : "/log-lines") + q), line -> {
            out.println(line);
            out.flush();
        });
        return 0;
    }
}
