package dyno.kubernetes;

import dyno.runtime.log.LogLine;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.LogWatch;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the output of each running pod ({@code kubectl logs -f}) into the app's log, one reader
 * thread per pod, as {@code app[POD]} lines.
 */
final class PodLogs implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(PodLogs.class);

    private final KubernetesClient client;
    private final String namespace;
    private final Clock clock;
    private final Consumer<LogLine> sink;
    private final Map<String, LogWatch> followed = new ConcurrentHashMap<>();
    private volatile boolean closed;

    PodLogs(KubernetesClient client, String namespace, Clock clock, Consumer<LogLine> sink) {
        this.client = client;
        this.namespace = namespace;
        this.clock = clock;
        this.sink = sink;
    }

    /** Follows {@code pods} not followed yet, and stops following pods not among them. */
    void follow(Set<String> pods) {
        if (closed) {
            return;
        }
        for (String pod : pods) {
            followed.computeIfAbsent(pod, this::start);
        }
        followed.keySet().removeIf(pod -> {
            if (pods.contains(pod)) {
                return false;
            }
            LogWatch w = followed.get(pod);
            if (w != null) {
                w.close();
            }
            return true;
        });
    }

    private LogWatch start(String pod) {
        LogWatch watch = client.pods().inNamespace(namespace).withName(pod).watchLog();
        Thread reader = new Thread(() -> read(pod, watch), "dyno-logs-" + pod);
        reader.setDaemon(true);
        reader.start();
        return watch;
    }

    private void read(String pod, LogWatch watch) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(watch.getOutput(), StandardCharsets.UTF_8))) {
            String line;
            while (!closed && (line = in.readLine()) != null) {
                sink.accept(new LogLine(clock.instant(), LogLine.APP, pod, line));
            }
        } catch (IOException | RuntimeException e) {
            if (!closed) {
                logger.debug("[{}] log stream ended", pod, e);
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        followed.values().forEach(LogWatch::close);
        followed.clear();
    }
}
