package dyno.platform.metrics;

import dyno.runtime.log.LogLine;
import dyno.runtime.manager.DynoInfo;
import dyno.runtime.manager.DynoListener;
import dyno.runtime.manager.DynoState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.Set;

/**
 * Counts what the dyno manager reports: crashes, restarts (every start of a dyno after its first)
 * and memory quota errors (R14, R15). Hears the manager as a {@link DynoListener}.
 */
public final class DynoMetrics implements DynoListener {
    private final MeterRegistry registry;
    /** Dynos started at least once; manager thread only. */
    private final Set<String> started = new HashSet<>();

    DynoMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void stateChanged(DynoInfo dyno, DynoState from) {
        if (dyno.state() == DynoState.CRASHED) {
            crashes(dyno.name()).increment();
        } else if (dyno.state() == DynoState.STARTING) {
            if (started.add(dyno.name())) {
                // a dyno's counters exist from its first start, so that rate() sees them start at 0
                crashes(dyno.name());
                memoryErrors(dyno.name(), "R14");
                memoryErrors(dyno.name(), "R15");
                restarts(dyno.name());
            } else {
                restarts(dyno.name()).increment();
            }
        }
    }

    @Override
    public void log(LogLine line) {
        if (!LogLine.DYNO.equals(line.source())) {
            return;
        }
        String m = line.message();
        if (m.startsWith("Error R14") || m.startsWith("Error R15")) {
            memoryErrors(line.dyno(), m.substring(6, 9)).increment();
        }
    }

    private Counter crashes(String dyno) {
        return Counter.builder("dyno.crashes").description("Dyno processes that exited without being asked to")
                .tag("dyno", dyno).register(registry);
    }

    private Counter restarts(String dyno) {
        return Counter.builder("dyno.restarts").description("Starts of a dyno after its first (crash, restart, resize, wake)")
                .tag("dyno", dyno).register(registry);
    }

    private Counter memoryErrors(String dyno, String code) {
        return Counter.builder("dyno.memory.quota.errors").description("Memory quota errors: R14 exceeded, R15 vastly exceeded")
                .tag("dyno", dyno).tag("code", code).register(registry);
    }
}
