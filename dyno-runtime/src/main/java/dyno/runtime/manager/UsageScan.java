package dyno.runtime.manager;

import dyno.runtime.formation.DynoSize;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * The tick's scan of /proc for every dyno: keeps each process tree known, samples its memory and
 * CPU, and applies R14 and R15. Scans on the manager thread only; {@link #resident()} and
 * {@link #usage()} are immutable maps replaced at the end of each scan, readable from any thread.
 */
final class UsageScan {
    private final Clock clock;
    private final DynoProcesses processes;
    private final MemoryWatch memory;
    private final SizeLimits limits;
    private final OneOffs oneOffs;
    /** Whether the kernel enforces sizes here, asked at each scan. */
    private final BooleanSupplier enforced;
    private final BiConsumer<String, String> event;
    private volatile Map<String, Long> resident = Map.of();
    private volatile Map<String, ResourceUsage> usage = Map.of();

    UsageScan(Clock clock, DynoProcesses processes, MemoryWatch memory, SizeLimits limits, OneOffs oneOffs,
            BooleanSupplier enforced, BiConsumer<String, String> event) {
        this.clock = clock;
        this.processes = processes;
        this.memory = memory;
        this.limits = limits;
        this.oneOffs = oneOffs;
        this.enforced = enforced;
        this.event = event;
    }

    /** Resident memory of each running dyno's process tree at the last scan, in bytes. */
    Map<String, Long> resident() {
        return resident;
    }

    /** CPU and memory each running dyno used at the last scan, against its size's limits. */
    Map<String, ResourceUsage> usage() {
        return usage;
    }

    /**
     * Scans {@code runs} (every run the manager started) and the attached one-offs; the figures of
     * a slot are its current run's, so {@code detached} runs are scanned but not reported.
     */
    void scan(List<Dyno> runs, Set<Dyno> detached) {
        List<Dyno> running = runs.stream().filter(Dyno::running).toList();
        List<Dyno> attached = oneOffs.attached();
        List<Dyno> scanned = new ArrayList<>(running);
        scanned.addAll(attached);
        processes.scan(scanned);
        oneOffs.reapAttached();
        Map<String, Long> sampled = new TreeMap<>(DynoManager::compareNames);
        Map<String, ResourceUsage> used = new TreeMap<>(DynoManager::compareNames);
        Instant now = clock.instant();
        boolean enforced = this.enforced.getAsBoolean();
        for (Dyno d : running) {
            long rss = d.tree == null ? 0 : d.tree.residentBytes();
            if (detached.contains(d)) {
                continue; // a successor booting or a replaced run stopping: the slot's figure is its current run's
            }
            sampleCpu(d);
            sampled.put(d.name, rss);
            DynoSize size = d.launchedSize != null ? d.launchedSize : d.size;
            boolean limited = enforced && d.tree != null && d.tree.cgroup().isPresent();
            used.put(d.name, new ResourceUsage(rss, memory.quota(size), d.cpuCores,
                    d.cpuSample == null ? -1 : d.cpuSample.cpuNanos(), limited ? limits.cpuCores(size) : 0, limited));
            if (d.stop != null) {
                continue;
            }
            if (oomKilled(d)) {
                // the kernel ended a process at twice the quota: Heroku's R15, and the rest of the dyno goes too
                event.accept(d.name, "Error R15 (Memory quota vastly exceeded)");
                event.accept(d.name, "Stopping process with SIGKILL");
                processes.signal(d, true);
                continue;
            }
            MemoryWatch.Verdict verdict = memory.judge(d, rss, now);
            memory.events(d, rss, verdict).forEach(message -> event.accept(d.name, message));
            if (verdict == MemoryWatch.Verdict.R15) {
                processes.signal(d, true);
            }
        }
        resident = Collections.unmodifiableMap(sampled);
        usage = Collections.unmodifiableMap(used);
    }

    /** Samples the CPU time of {@code d}'s cgroup: {@code d.cpuCores} is what it used since the last sample. */
    private static void sampleCpu(Dyno d) {
        OptionalLong nanos = d.tree == null ? OptionalLong.empty()
                : d.tree.cgroup().map(c -> c.cpuNanos()).orElse(OptionalLong.empty());
        if (nanos.isEmpty()) {
            d.cpuCores = -1;
            return;
        }
        CpuSample now = new CpuSample(nanos.getAsLong(), System.nanoTime());
        if (d.cpuSample != null) {
            double cores = now.coresSince(d.cpuSample);
            if (cores >= 0) {
                d.cpuCores = cores;
            }
        }
        d.cpuSample = now;
    }

    /** Whether the kernel's OOM killer ended a process of {@code d}'s run since this was last asked. */
    static boolean oomKilled(Dyno d) {
        long kills = d.tree == null ? 0 : d.tree.cgroup().map(c -> c.oomKills()).orElse(0L);
        if (kills > d.oomKills) {
            d.oomKills = kills;
            return true;
        }
        return false;
    }
}
