package dyno.platform.api;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Log sessions, the credential of a {@code logplex_url}. Heroku's CLI reads the URL without the API
 * token, so the URL carries its own: 24 random bytes, usable once and within {@link #TTL}. Only a
 * hash of each is kept, and a session holds nothing but the filter it streams.
 */
final class LogSessions {
    static final Duration TTL = Duration.ofMinutes(5);
    private static final int MAX_LIVE = 256;

    /** What a session streams: the last {@code lines}, then new ones while {@code tail}. */
    record Options(int lines, String source, String dyno, boolean tail) {
    }

    private record Pending(Options options, Instant until) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Pending> pending = new ConcurrentHashMap<>();

    LogSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new session's secret for the URL; 429 while {@value #MAX_LIVE} are unused. */
    String create(Options options) {
        Instant now = clock.instant();
        pending.values().removeIf(p -> now.isAfter(p.until));
        if (pending.size() >= MAX_LIVE) {
            throw new ApiError(429, "rate_limited", "too many unused log sessions; wait " + TTL.toMinutes() + " minutes");
        }
        byte[] b = new byte[24];
        random.nextBytes(b);
        String secret = HexFormat.of().formatHex(b);
        pending.put(hash(secret), new Pending(options, now.plus(TTL)));
        return secret;
    }

    /** The session's options, once: empty for an unknown, used or expired secret. */
    Optional<Options> redeem(String secret) {
        Pending p = secret == null ? null : pending.remove(hash(secret));
        if (p == null || clock.instant().isAfter(p.until)) {
            return Optional.empty();
        }
        return Optional.of(p.options);
    }

    /** Looked up by hash, so a lookup's timing tells nothing about any live secret. */
    private static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is in every JDK", e);
        }
    }
}
