package dyno.kubernetes;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Where and how {@link KubernetesRuntime} runs an app: the image the Procfile commands run in, the
 * namespace, the port web processes listen on ({@code PORT}), how long a web pod may take to become
 * ready before it counts as crashed (R10), and how long a stopping pod keeps serving after it leaves
 * the endpoints (its {@code preStop} pause, so that routers stop sending first).
 */
public record KubernetesSettings(String image, String namespace, int port, Duration bootTimeout, Duration stopPause) {
    /** The port web processes get in {@code PORT}, as on Heroku's stacks. */
    public static final int DEFAULT_PORT = 5000;

    public KubernetesSettings {
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException(
                    "--image: missing (expected: the container image the Procfile commands run in, e.g. --image ghcr.io/me/app:1)");
        }
        if (namespace == null || namespace.isBlank()) {
            throw new IllegalArgumentException("--namespace: \"" + namespace + "\" (expected: a namespace name)");
        }
        if (port < 1 || port > 65_535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1..65535)");
        }
        requireNonNull(bootTimeout, "bootTimeout");
        requireNonNull(stopPause, "stopPause");
    }

    /** {@code image} in {@code namespace} with Heroku's 60 s boot timeout and a 5 s stop pause. */
    public static KubernetesSettings of(String image, String namespace) {
        return new KubernetesSettings(image, namespace, DEFAULT_PORT, Duration.ofSeconds(60), Duration.ofSeconds(5));
    }

    /** These settings with another boot timeout. */
    public KubernetesSettings withBootTimeout(Duration timeout) {
        return new KubernetesSettings(image, namespace, port, timeout, stopPause);
    }
}
