package dyno.platform.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dyno.platform.client.ApiClient;
import dyno.platform.client.ApiException;
import java.io.PrintWriter;
import java.time.Duration;

/**
 * Waits until every dyno of the formation (of one type, when given) is up on the latest release:
 * what {@code ps:wait} and {@code ps:scale --wait} do, so that a script's next command never meets
 * a booting dyno or an old release. Bounded by a timeout.
 */
final class FormationWait {
    private FormationWait() {
    }

    /** Polls every {@code interval} until done; throws when the latest release failed or time runs out. */
    static void await(ApiClient client, String type, Duration interval, Duration timeout, PrintWriter out) {
        long deadline = System.nanoTime() + timeout.toNanos();
        int version = -1;
        Progress last = null;
        while (true) {
            JsonNode latest = ReleasesCommand.latest(client);
            if (latest.path("version").asInt() != version) {
                version = latest.path("version").asInt();
                out.print("Waiting for every " + (type == null ? "" : type + " ") + "dyno to be running v" + version + "... ");
                out.flush();
            }
            if (latest.path("status").asText().equals("failed")) {
                out.println("failed");
                out.flush();
                throw new ApiException(0, "release v" + version + " failed: its release phase did not succeed"
                        + " (see: dyno logs --dyno release); the dynos stay on the release before");
            }
            last = progress(client, type, version, latest.path("status").asText().equals("succeeded"));
            if (last.done()) {
                out.println(last.ready + " / " + last.wanted + ", done");
                out.flush();
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                out.println(last.ready + " / " + last.wanted);
                out.flush();
                throw new ApiException(0, "timed out after " + timeout.toSeconds() + "s: " + last.ready + " of "
                        + last.wanted + " dynos up on v" + version + " (raise it with --timeout)");
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ApiException(0, "interrupted");
            }
        }
    }

    private record Progress(int ready, int wanted, int stale) {
        boolean done() {
            return ready == wanted && stale == 0;
        }
    }

    private static Progress progress(ApiClient client, String type, int version, boolean released) {
        int wanted = 0;
        for (JsonNode f : client.get(client.appPath("/formation"))) {
            if (type == null || f.path("type").asText().equals(type)) {
                wanted += f.path("quantity").asInt();
            }
        }
        int ready = 0;
        int stale = 0;
        for (JsonNode d : client.get(client.appPath("/dynos"))) {
            if (d.path("one_off").asBoolean() || (type != null && !d.path("type").asText().equals(type))) {
                continue;
            }
            if (released && d.path("state").asText().equals("up") && d.path("release").path("version").asInt() == version) {
                ready++;
            } else {
                stale++;
            }
        }
        return new Progress(ready, wanted, stale);
    }
}
