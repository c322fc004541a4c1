package dyno.platform.api;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions for the dashboard. Whoever holds the API token asks for a one-time login code
 * (valid a few minutes, usable once); the page trades it for a session token it keeps in its tab and
 * sends as a header, so the API token itself never reaches the browser or its history.
 */
final class Sessions {
    static final Duration CODE_TTL = Duration.ofMinutes(5);
    static final Duration SESSION_TTL = Duration.ofHours(12);
    private static final int MAX_LIVE = 256;

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Instant> codes = new ConcurrentHashMap<>();
    private final Map<String, Instant> sessions = new ConcurrentHashMap<>();

    Sessions(Clock clock) {
        this.clock = clock;
    }

    /** A fresh one-time login code. */
    String newCode() {
        expire(codes);
        if (codes.size() >= MAX_LIVE) {
            throw new ApiError(429, "rate_limited", "too many unused login codes; wait " + CODE_TTL.toMinutes() + " minutes");
        }
        String code = secret();
        codes.put(code, clock.instant().plus(CODE_TTL));
        return code;
    }

    /** Trades a code for a new session id; empty when the code is unknown, used or expired. */
    Optional<String> redeem(String code) {
        Instant until = code == null ? null : codes.remove(code);
        if (until == null || clock.instant().isAfter(until)) {
            return Optional.empty();
        }
        expire(sessions);
        while (sessions.size() >= MAX_LIVE) {
            sessions.keySet().stream().findAny().ifPresent(sessions::remove);
        }
        String id = secret();
        sessions.put(id, clock.instant().plus(SESSION_TTL));
        return Optional.of(id);
    }

    /** Whether the id names a live session. */
    boolean valid(String id) {
        Instant until = id == null ? null : sessions.get(id);
        return until != null && !clock.instant().isAfter(until);
    }

    private void expire(Map<String, Instant> map) {
        Instant now = clock.instant();
        map.values().removeIf(now::isAfter);
    }

    private String secret() {
        byte[] b = new byte[24];
        random.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
