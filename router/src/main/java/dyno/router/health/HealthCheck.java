package dyno.router.health;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** One probe of one dyno. Never completes exceptionally: a failure is a {@link Result} saying why. */
@FunctionalInterface
public interface HealthCheck {
    CompletionStage<Result> check(InetSocketAddress address, Duration timeout);

    /** A probe's verdict and its reason, e.g. {@code status 503}, {@code timeout}, {@code connection refused}. */
    record Result(boolean passed, String reason) {
        public Result {
            requireNonNull(reason, "reason");
        }

        public static Result passed(String reason) {
            return new Result(true, reason);
        }

        public static Result failed(String reason) {
            return new Result(false, reason);
        }
    }
}
