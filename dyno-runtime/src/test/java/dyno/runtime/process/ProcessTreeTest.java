package dyno.runtime.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dyno.runtime.fixtures.Procs;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ProcessTreeTest {
    @Test
    @Timeout(20)
    void signalsTheWholeGroup() throws Exception {
        Process p = Procs.startInOwnGroup("sleep 1000 & sleep 1000 & wait");
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> ProcessTree.members(p.pid()).size() >= 3);
            Set<Long> members = ProcessTree.members(p.pid());
            assertThat(members).contains(p.pid()).isEqualTo(Procs.liveGroup(p.pid()));
            assertThat(ProcessTree.startTime(p.pid())).isPresent();
            assertThat(ProcessTree.residentBytes(p.pid())).isPositive();

            ProcessTree.signal(p.pid(), "TERM");

            assertThat(p.waitFor(5, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> members.stream().noneMatch(Procs::alive));
            assertThat(ProcessTree.members(p.pid())).isEmpty();
        } finally {
            ProcessTree.signal(p.pid(), "KILL");
        }
    }

    @Test
    @Timeout(20)
    void zombiesAreNotMembers() throws Exception {
        // the background sleep ends first; its parent has exec'd into another sleep and never reaps it
        Process p = Procs.startInOwnGroup("sleep 0.2 & exec sleep 1000");
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> Procs.liveGroup(p.pid()).size() == 1);
            Thread.sleep(100);
            assertThat(ProcessTree.members(p.pid())).containsExactly(p.pid());
            assertThat(ProcessTree.alive(p.pid())).isTrue();
        } finally {
            ProcessTree.signal(p.pid(), "KILL");
            p.waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(ProcessTree.alive(p.pid())).isFalse();
        assertThat(ProcessTree.members(p.pid())).isEmpty();
    }
}
