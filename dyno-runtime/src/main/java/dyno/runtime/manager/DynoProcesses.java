package dyno.runtime.manager;

import dyno.runtime.formation.DynoSize;
import dyno.runtime.process.Cgroup;
import dyno.runtime.process.CgroupHierarchy;
import dyno.runtime.process.PidRegistry;
import dyno.runtime.process.ProcessId;
import dyno.runtime.process.ProcessTable;
import dyno.runtime.process.ProcessTree;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts dyno processes so that their identity is known before they can run anything, keeps each
 * dyno's {@link ProcessTree} current, records it for a later manager, and signals only proven
 * processes. Manager thread only.
 */
final class DynoProcesses {
    private static final Logger logger = LoggerFactory.getLogger(DynoProcesses.class);
    /**
     * The session leader first starts the anchor, a {@code sleep} that keeps the dyno's session
     * id its own for as long as the dyno lives, then waits for one line on stdin before it
     * becomes the dyno's command. Both are identified before that line is sent: a command that
     * exits at once would otherwise be reaped, and its pid free for anyone, before it was ever
     * identified, and children it left behind could not be proven the dyno's.
     */
    private static final String GATE = "sleep 2147483647 </dev/null >/dev/null 2>&1 & read -r go; exec sh -c \"$1\" </dev/null";
    /** Longest wait for the anchor to appear, in 1 ms steps. */
    private static final int ANCHOR_WAIT_STEPS = 5_000;

    private final PidRegistry pids;
    /** Where dyno cgroups are made; empty where none can be. */
    private final Optional<CgroupHierarchy> cgroups;
    private final SizeLimits limits;
    private final List<Cgroup> emptied = new java.util.ArrayList<>();

    DynoProcesses(PidRegistry pids, Optional<CgroupHierarchy> cgroups, SizeLimits limits) {
        this.pids = pids;
        this.cgroups = cgroups;
        this.limits = limits;
        if (ProcessHandle.current().pid() == 1) {
            // the JVM reaps only its own children; orphans re-parented to PID 1 would stay zombies
            logger.warn("running as PID 1: orphaned processes of dynos will never be reaped and stay zombies;"
                    + " run the container with an init (docker run --init, or tini as its entrypoint)");
        }
    }

    /** Ends what a killed manager left behind, and removes its empty cgroups; returns the dynos it belonged to. */
    List<String> killLeftovers() {
        List<String> killed = pids.killLeftovers();
        cgroups.ifPresent(h -> {
            int stale = h.removeStale();
            if (stale > 0) {
                logger.info("removed {} empty cgroups of dyno managers that are gone", stale);
            }
        });
        return killed;
    }

    /** A builder for {@code command} in a session of its own, behind the gate. */
    static ProcessBuilder builder(String command) {
        return new ProcessBuilder("setsid", "sh", "-c", GATE, "dyno-launch", command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
    }

    /** Starts {@code pb} (from {@link #builder}) as {@code d}'s process: identifies, records, then lets it run. */
    Process start(Dyno d, ProcessBuilder pb) throws IOException {
        Process p = pb.start();
        Optional<ProcessId> leader = ProcessId.of(p.pid());
        d.tree = leader.map(l -> awaitAnchor(l).map(a -> new ProcessTree(l, a)).orElseGet(() -> new ProcessTree(l)))
                .orElse(null);
        if (d.tree != null) {
            // leader and anchor into the run's own cgroup before anything else can fork
            DynoSize size = d.launchedSize != null ? d.launchedSize : d.size;
            Optional<Cgroup> cgroup = cgroups.flatMap(h -> h.create(d.name, limits.acquire(d, size)));
            d.oomKills = 0;
            d.cpuSample = null;
            if (cgroup.isPresent() && d.tree.known().stream().allMatch(id -> cgroup.get().add(id.pid()))) {
                d.tree.cgroup(cgroup.get());
            } else {
                cgroup.ifPresent(Cgroup::remove);
                limits.release(d);
            }
            pids.record(d.recordKey, d.tree);
        } else {
            // killed before it passed the gate: nothing of it can run, nothing will be signalled
            logger.warn("{}: process {} was gone before it could be identified", d.name, p.pid());
        }
        try (OutputStream go = p.getOutputStream()) {
            go.write('\n');
        } catch (IOException gone) {
            logger.debug("{}: gate of {} already closed", d.name, p.pid(), gone);
        }
        return p;
    }

    /** The leader's first child, the anchor; empty when the leader died first or it took too long. */
    private static Optional<ProcessId> awaitAnchor(ProcessId leader) {
        Path children = Path.of("/proc", Long.toString(leader.pid()), "task", Long.toString(leader.pid()), "children");
        for (int step = 0; step < ANCHOR_WAIT_STEPS; step++) {
            try {
                String pids = Files.readString(children).trim();
                if (!pids.isEmpty()) {
                    long pid = Long.parseLong(pids.split(" ")[0]);
                    // a child of the live, proven leader, started after it: the dyno's own
                    Optional<ProcessTable.Entry> e = ProcessTable.readEntry(pid);
                    if (e.isPresent() && e.get().ppid() == leader.pid() && e.get().startTicks() >= leader.startTicks()
                            && leader.isLive()) {
                        return Optional.of(ProcessId.of(e.get()));
                    }
                }
                if (!leader.isLive()) {
                    return Optional.empty();
                }
                Thread.sleep(1);
            } catch (IOException | NumberFormatException gone) {
                return Optional.empty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        logger.warn("the anchor of session {} did not appear; children its leader leaves behind may be missed", leader.pid());
        return Optional.empty();
    }

    /** Refreshes the tree of every running dyno from one scan, saving the records that changed. */
    ProcessTable scan(Collection<Dyno> dynos) {
        ProcessTable table = ProcessTable.read();
        for (Dyno d : dynos) {
            refresh(d, table);
        }
        removeEmptied();
        return table;
    }

    /** Refreshes {@code d}'s tree from {@code table}; whether it still has a live member besides its anchor. */
    boolean refresh(Dyno d, ProcessTable table) {
        if (d.tree == null) {
            return false;
        }
        if (d.tree.refresh(table)) {
            pids.record(d.recordKey, d.tree);
        }
        return !d.tree.isEmpty();
    }

    /** Whether {@code d} still has a live process, from a scan made now. */
    boolean alive(Dyno d) {
        return refresh(d, ProcessTable.read());
    }

    /** SIGTERM, or SIGKILL when {@code kill}, to every proven process of {@code d}. */
    void signal(Dyno d, boolean kill) {
        if (d.tree != null) {
            d.tree.signal(kill);
        }
    }

    /** Forgets {@code d}'s processes: it has none left. Its cgroup goes once its last process is reaped. */
    void forget(Dyno d) {
        if (d.tree != null) {
            d.tree.cgroup().ifPresent(emptied::add);
        }
        limits.release(d);
        d.tree = null;
        pids.forget(d.recordKey);
        removeEmptied();
    }

    /** Removes the cgroups of ended runs that are empty by now. */
    void removeEmptied() {
        emptied.removeIf(Cgroup::remove);
    }

    /** Removes the cgroups of ended runs, waiting up to about a second for their last processes to be reaped. */
    void removeAllEmptied() throws InterruptedException {
        for (int i = 0; i < 20 && !emptied.isEmpty(); i++) {
            removeEmptied();
            if (!emptied.isEmpty()) {
                Thread.sleep(50);
            }
        }
        emptied.forEach(c -> logger.warn("cgroup {} still has processes; not removed", c.dir()));
    }

    /**
     * Whether a process of {@code d} (from a scan made now) holds a socket listening on TCP
     * {@code port}: a connection that succeeds may reach a stranger that took the port.
     */
    boolean listens(Dyno d, int port) {
        if (!refresh(d, ProcessTable.read())) {
            return false;
        }
        Set<String> sockets = listeningSockets(port);
        if (sockets.isEmpty()) {
            return false;
        }
        for (long pid : d.tree.members()) {
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
                for (Path fd : fds) {
                    try {
                        if (sockets.contains(Files.readSymbolicLink(fd).toString())) {
                            return true;
                        }
                    } catch (IOException closed) {
                        // closed between listing and reading
                    }
                }
            } catch (IOException gone) {
                // exited since the scan
            }
        }
        return false;
    }

    /** {@code socket:[INODE]} of every TCP socket listening on {@code port}, IPv4 and IPv6. */
    static Set<String> listeningSockets(int port) {
        Set<String> sockets = new HashSet<>();
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table), StandardCharsets.US_ASCII)) {
                    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort) && "0A".equals(f[3])) {
                        sockets.add("socket:[" + f[9] + "]");
                    }
                }
            } catch (IOException noTable) {
                // no IPv6 on this machine
            }
        }
        return sockets;
    }
}
