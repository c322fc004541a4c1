package dyno.runtime.process;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The processes of one dyno, each proven by its {@link ProcessId}. A dyno starts as the leader of
 * a session of its own; every process in that session, and every descendant of a proven process,
 * belongs to it. A session id is a pid, so it is only trusted while a process known to be the
 * dyno's (same pid, start time and boot) is still in it: Linux does not hand a pid out again while a
 * process's session or group still carries it, so such an anchor proves the session is still the
 * dyno's. Without one, nothing is a member and nothing is signalled.
 *
 * <p>Not thread-safe: owned by the dyno manager's thread.
 */
public final class ProcessTree {
    private final long sid;
    /** A process the dyno's launcher keeps in the session, not counted in the dyno's memory; may be null. */
    private final ProcessId anchor;
    /** The dyno run's own cgroup, where one could be made; may be null. */
    private Cgroup cgroup;
    /** Every process proven ours at the last refresh, zombies included (they still pin the session). */
    private Map<Long, ProcessId> known = new LinkedHashMap<>();
    private List<ProcessTable.Entry> live = List.of();

    /** The tree of a dyno whose session leader is {@code leader}. */
    public ProcessTree(ProcessId leader) {
        this(leader.pid(), List.of(leader));
    }

    /**
     * The tree of a dyno whose session leader is {@code leader}, with {@code anchor}, a process
     * that stays in the session as long as the dyno runs so that the session can always be proven
     * the dyno's, even after the leader is gone. The anchor is signalled like any member but not
     * counted in the dyno's memory.
     */
    public ProcessTree(ProcessId leader, ProcessId anchor) {
        this(leader.pid(), List.of(leader, anchor), requireNonNull(anchor, "anchor"));
    }

    /** A tree recorded earlier: the session id and the processes then known to be in the tree. */
    public ProcessTree(long sid, Collection<ProcessId> known) {
        this(sid, known, null);
    }

    private ProcessTree(long sid, Collection<ProcessId> known, ProcessId anchor) {
        this.sid = sid;
        this.anchor = anchor;
        for (ProcessId id : requireNonNull(known, "known")) {
            this.known.put(id.pid(), id);
        }
    }

    /** Adds the run's cgroup: its processes are members, whatever their session or parent. */
    public void cgroup(Cgroup cgroup) {
        this.cgroup = cgroup;
    }

    /** The run's cgroup, or empty. */
    public java.util.Optional<Cgroup> cgroup() {
        return java.util.Optional.ofNullable(cgroup);
    }

    /** The session id of the dyno (its leader's pid). */
    public long sid() {
        return sid;
    }

    /**
     * Recomputes the members from {@code table} and returns whether the set of known processes
     * changed (a record of it may need saving).
     */
    public boolean refresh(ProcessTable table) {
        Map<Long, ProcessId> proven = new LinkedHashMap<>();
        boolean anchored = false;
        for (ProcessId id : known.values()) {
            ProcessTable.Entry e = table.get(id.pid());
            if (id.matches(e)) {
                proven.put(e.pid(), id);
                anchored |= e.sid() == sid;
            }
        }
        if (anchored) {
            for (ProcessTable.Entry e : table.inSession(sid)) {
                proven.putIfAbsent(e.pid(), ProcessId.of(e));
            }
        }
        if (cgroup != null) {
            // only the dyno's processes are ever put in its cgroup, and their children stay in it; a pid
            // reused since the table was read gets an id that no longer matches, so it is never signalled
            for (long pid : cgroup.pids()) {
                ProcessTable.Entry e = table.get(pid);
                if (e != null) {
                    proven.putIfAbsent(pid, ProcessId.of(e));
                }
            }
        }
        // descendants of proven processes, also those that left the session (setsid, daemons)
        Deque<Long> todo = new ArrayDeque<>(proven.keySet());
        for (int guard = 0; !todo.isEmpty() && guard < 1_000_000; guard++) {
            long parent = todo.pop();
            long parentStart = proven.get(parent).startTicks();
            for (ProcessTable.Entry child : table.children(parent)) {
                if (child.startTicks() >= parentStart && !proven.containsKey(child.pid())) {
                    proven.put(child.pid(), ProcessId.of(child));
                    todo.push(child.pid());
                }
            }
        }
        List<ProcessTable.Entry> alive = new ArrayList<>(proven.size());
        for (long pid : proven.keySet()) {
            ProcessTable.Entry e = table.get(pid);
            if (!e.dead()) {
                alive.add(e);
            }
        }
        boolean changed = !proven.keySet().equals(known.keySet());
        known = proven;
        live = alive;
        return changed;
    }

    /** The processes proven ours at the last refresh, zombies included. */
    public Collection<ProcessId> known() {
        return List.copyOf(known.values());
    }

    /** Live (not zombie) members at the last refresh. */
    public Set<Long> members() {
        Set<Long> pids = new LinkedHashSet<>();
        live.forEach(e -> pids.add(e.pid()));
        return pids;
    }

    /** Whether no live member but the anchor was found at the last refresh. */
    public boolean isEmpty() {
        for (ProcessTable.Entry e : live) {
            if (anchor == null || !anchor.matches(e)) {
                return false;
            }
        }
        return true;
    }

    /** Resident memory of the live members at the last refresh, in bytes. */
    public long residentBytes() {
        long total = 0;
        for (ProcessTable.Entry e : live) {
            if (anchor == null || !anchor.matches(e)) {
                total += e.residentBytes();
            }
        }
        return total;
    }

    /**
     * Refreshes from a new scan and sends SIGTERM (SIGKILL when {@code kill}) to every live member
     * whose identity still holds. Returns how many were signalled.
     */
    public int signal(boolean kill) {
        refresh(ProcessTable.read());
        int sent = 0;
        for (ProcessTable.Entry e : live) {
            if (known.get(e.pid()).signal(kill)) {
                sent++;
            }
        }
        if (kill && cgroup != null) {
            cgroup.kill(); // also whatever was forked since the scan
        }
        return sent;
    }
}
