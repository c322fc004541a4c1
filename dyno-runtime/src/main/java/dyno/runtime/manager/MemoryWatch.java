package dyno.runtime.manager;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/** Heroku's memory rules: over the quota R14 (at most every {@code r14Interval}), over twice it R15 and SIGKILL. */
final class MemoryWatch {
    /** What a sample calls for. */
    enum Verdict { OK, R14, R15 }

    private final ManagerSettings settings;

    MemoryWatch(ManagerSettings settings) {
        this.settings = settings;
    }

    long quota(Dyno d) {
        return quota(d.size);
    }

    long quota(dyno.runtime.formation.DynoSize size) {
        return settings.memoryQuotaOverrideBytes() > 0 ? settings.memoryQuotaOverrideBytes() : size.memoryBytes();
    }

    /** Judges {@code rss} of {@code d} at {@code now}; an R14 verdict records the time. */
    Verdict judge(Dyno d, long rss, Instant now) {
        long quota = quota(d);
        if (rss > 2 * quota) {
            return Verdict.R15;
        }
        if (rss > quota && Duration.between(d.lastR14, now).compareTo(settings.r14Interval()) >= 0) {
            d.lastR14 = now;
            return Verdict.R14;
        }
        return Verdict.OK;
    }

    /** The log events of {@code verdict}, Heroku's wording. */
    List<String> events(Dyno d, long rss, Verdict verdict) {
        String usage = String.format(Locale.ROOT, "Process running mem=%dM(%.1f%%)",
                rss / (1024 * 1024), 100.0 * rss / quota(d));
        return switch (verdict) {
            case OK -> List.of();
            case R14 -> List.of(usage, "Error R14 (Memory quota exceeded)");
            case R15 -> List.of(usage, "Error R15 (Memory quota vastly exceeded)", "Stopping process with SIGKILL");
        };
    }
}
