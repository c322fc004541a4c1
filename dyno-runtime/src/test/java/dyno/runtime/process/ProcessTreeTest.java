package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.fixtures.Procs;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProcessTreeTest {
    private static ProcessTree treeOf(Process p) {
        return new ProcessTree(ProcessId.of(p.pid()).orElseThrow());
    }

    @Test
    @Timeout(20)
    void signalsTheWholeSession() throws Exception {
        Process p = Procs.startInOwnGroup("sleep 1000 & sleep 1000 & wait");
        ProcessTree tree = treeOf(p);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(p.pid()).size() >= 3);
            tree.refresh(ProcessTable.read());
            Set<Long> members = tree.members();
            assertThat(members).contains(p.pid()).isEqualTo(Procs.liveGroup(p.pid()));
            assertThat(tree.residentBytes()).isPositive();

            assertThat(tree.signal(false)).isEqualTo(3);

            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> members.stream().noneMatch(Procs::alive));
            tree.refresh(ProcessTable.read());
            assertThat(tree.isEmpty()).isTrue();
        } finally {
            tree.signal(true);
            p.destroyForcibly();
        }
    }

    @Test
    @Timeout(20)
    void zombiesAreNotMembers() throws Exception {
        // the background sleep ends first; its parent has exec'd into another sleep and never reaps it
        Process p = Procs.startInOwnGroup("sleep 0.2 & exec sleep 1000");
        ProcessTree tree = treeOf(p);
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(p.pid()).size() == 1);
            Thread.sleep(100);
            tree.refresh(ProcessTable.read());
            assertThat(tree.members()).containsExactly(p.pid());
        } finally {
            tree.signal(true);
            p.waitFor(5, TimeUnit.SECONDS);
        }
        tree.refresh(ProcessTable.read());
        assertThat(tree.isEmpty()).isTrue();
    }

    @Test
    @Timeout(20)
    void aRecordedProcessWhosePidNowHasAnotherStartTimeIsNoMember() throws Exception {
        Process stranger = Procs.startInOwnGroup("exec sleep 1000");
        try {
            ProcessId real = ProcessId.of(stranger.pid()).orElseThrow();
            ProcessTree tree = new ProcessTree(real.pid(),
                    List.of(new ProcessId(real.pid(), real.startTicks() - 1, real.bootId())));

            assertThat(tree.signal(true)).isZero();
            assertThat(tree.isEmpty()).isTrue();
            assertThat(stranger.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
        } finally {
            stranger.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    @Timeout(20)
    void aRecordFromAnotherBootIsNeverTrusted() throws Exception {
        Process stranger = Procs.startInOwnGroup("exec sleep 1000");
        try {
            ProcessId real = ProcessId.of(stranger.pid()).orElseThrow();
            ProcessId otherBoot = new ProcessId(real.pid(), real.startTicks(), "00000000-0000-0000-0000-000000000000");
            ProcessTree tree = new ProcessTree(real.pid(), List.of(otherBoot));

            assertThat(otherBoot.signal(true)).isFalse();
            assertThat(tree.signal(true)).isZero();
            assertThat(stranger.waitFor(300, TimeUnit.MILLISECONDS)).isFalse();
        } finally {
            stranger.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void parsesStatLinesWithAwkwardCommandNames() {
        String stat = "4242 (a) (b c) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000000 321 "
                + "18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
        ProcessTable.Entry e = ProcessTable.parse(4242, stat);
        assertThat(e).isEqualTo(new ProcessTable.Entry(4242, 'S', 1, 4242, 4242, 98765, 321));
        assertThat(e.residentBytes()).isEqualTo(321 * 4096L);
        assertThat(ProcessId.parse("12 34 abc")).isEqualTo(new ProcessId(12, 34, "abc"));
    }
}
