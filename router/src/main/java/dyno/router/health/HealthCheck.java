package dyno.router.health;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;

/** One probe of one dyno: completes with true when healthy. Never completes exceptionally. */
@FunctionalInterface
public interface HealthCheck {
    CompletionStage<Boolean> check(InetSocketAddress address, Duration timeout);
}
