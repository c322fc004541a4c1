package dyno.runtime.formation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class ScaleChangeTest {
    private final Formation current = Formation.of(List.of(
            new FormationEntry("web", 1, DynoSize.STANDARD_1X),
            new FormationEntry("worker", 2, DynoSize.STANDARD_1X),
            new FormationEntry("queue-worker", 0, DynoSize.STANDARD_1X),
            new FormationEntry("worker-2", 0, DynoSize.STANDARD_1X)));

    private Formation apply(String... args) {
        return ScaleChange.applyAll(current, ScaleChange.parseAll(List.of(args)));
    }

    @Test
    void parsesEachForm() {
        assertThat(ScaleChange.parse("web=3")).satisfies(c -> {
            assertThat(c.type()).isEqualTo("web");
            assertThat(c.op()).isEqualTo(ScaleChange.Op.SET);
            assertThat(c.quantity()).isEqualTo(3);
            assertThat(c.size()).isNull();
        });
        assertThat(ScaleChange.parse("worker+1").op()).isEqualTo(ScaleChange.Op.ADD);
        assertThat(ScaleChange.parse("web-1").op()).isEqualTo(ScaleChange.Op.SUBTRACT);
        assertThat(ScaleChange.parse("web=2:standard-2x").size()).isEqualTo(DynoSize.STANDARD_2X);
        assertThat(ScaleChange.parse("web:2x")).satisfies(c -> {
            assertThat(c.op()).isEqualTo(ScaleChange.Op.NONE);
            assertThat(c.size()).isEqualTo(DynoSize.STANDARD_2X);
        });
        assertThat(ScaleChange.parse("queue-worker+2").type()).isEqualTo("queue-worker");
        assertThat(ScaleChange.parse("queue-worker-1").type()).isEqualTo("queue-worker");
        assertThat(ScaleChange.parse("worker-2=3").type()).isEqualTo("worker-2");
    }

    @Test
    void appliesAbsoluteRelativeAndSizedChanges() {
        assertThat(apply("web=3").toString())
                .isEqualTo("web=3:Standard-1X worker=2:Standard-1X queue-worker=0:Standard-1X worker-2=0:Standard-1X");
        assertThat(apply("worker+1").quantity("worker")).isEqualTo(3);
        assertThat(apply("worker-1").quantity("worker")).isEqualTo(1);
        assertThat(apply("web=2:standard-2x").entry("web")).hasValue(new FormationEntry("web", 2, DynoSize.STANDARD_2X));
        assertThat(apply("web:2x").entry("web")).hasValue(new FormationEntry("web", 1, DynoSize.STANDARD_2X));
        assertThat(apply("queue-worker+2", "queue-worker-1").quantity("queue-worker")).isEqualTo(1);
        assertThat(apply("worker-2=4").quantity("worker-2")).isEqualTo(4);
        assertThat(apply("web=3", "worker+1", "web=2:standard-2x").toString())
                .startsWith("web=2:Standard-2X worker=3:Standard-1X");
    }

    @Test
    void nonNumericQuantityNamesTheArgument() {
        assertThatThrownBy(() -> apply("worker=1", "web=abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("web=abc: ")
                .hasMessageContaining("not a number");
    }

    @Test
    void negativeQuantityNamesTheArgument() {
        assertThatThrownBy(() -> apply("web=-1"))
                .hasMessageStartingWith("web=-1: ").hasMessageContaining("negative");
        assertThatThrownBy(() -> apply("web-2"))
                .hasMessageStartingWith("web-2: ").hasMessageContaining("quantity -1");
    }

    @Test
    void unknownTypeNamesTheArgumentAndTheTypes() {
        assertThatThrownBy(() -> apply("web=2", "clock=1"))
                .hasMessageStartingWith("clock=1: ")
                .hasMessageContaining("unknown process type \"clock\"")
                .hasMessageContaining("web, worker, queue-worker, worker-2");
    }

    @Test
    void unknownSizeNamesTheArgument() {
        assertThatThrownBy(() -> apply("web=2:hobby"))
                .hasMessageStartingWith("web=2:hobby: ")
                .hasMessageContaining("size: \"hobby\"")
                .hasMessageContaining("standard-2x (2x)");
    }

    @Test
    void moreThanAHundredInAllNamesTheArgument() {
        assertThatThrownBy(() -> apply("web=99"))
                .hasMessageStartingWith("web=99: ")
                .hasMessageContaining("101 dynos in all")
                .hasMessageContaining("at most 100");
        assertThatThrownBy(() -> apply("web=101"))
                .hasMessageStartingWith("web=101: ").hasMessageContaining("0..100");
    }

    @Test
    void malformedArgumentsAreRefused() {
        for (String bad : List.of("web", "=3", "web=", "web+x", "web=3:", "we b=1")) {
            assertThatThrownBy(() -> apply(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(bad);
        }
    }

    @Test
    void aFailedBatchLeavesTheFormationUnchanged() {
        Formation before = current;
        assertThatThrownBy(() -> apply("web=5", "worker=abc"));
        assertThatThrownBy(() -> apply("web=5", "clock=1"));
        assertThatThrownBy(() -> apply("web=5", "worker=2:huge"));
        assertThatThrownBy(() -> apply("web=5", "worker=99"));
        assertThat(current).isEqualTo(before);
        assertThat(current.quantity("web")).isEqualTo(1);
    }
}
