package dyno.runtime.release;

import java.util.concurrent.CompletableFuture;

/**
 * A release on its way out: made at once, deployed in the background (release phase, then every
 * dyno restarted onto it, rolling). {@code deployed} fails with {@link ReleaseFailedException}
 * when the release phase fails.
 */
public record Deployment(Release release, CompletableFuture<Release> deployed) {
}
