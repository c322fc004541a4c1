package dyno.router.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class WeightedOrderTest {

    @Test
    void reducesWeightsByTheirCommonDivisor() {
        assertThat(WeightedOrder.reduce(new int[] {10, 2, 4})).containsExactly(5, 1, 2);
        assertThat(WeightedOrder.reduce(new int[] {3, 3})).containsExactly(1, 1);
        assertThat(WeightedOrder.reduce(new int[] {3, 2})).containsExactly(3, 2);
    }

    @Test
    void scaledWeightsRepeatTheReducedSequence() {
        int[] reduced = WeightedOrder.smooth(new int[] {5, 1, 1}, 7);
        int[] scaled = WeightedOrder.smooth(new int[] {10, 2, 2}, 14);
        assertThat(Arrays.copyOf(scaled, 7)).containsExactly(reduced);
        assertThat(Arrays.copyOfRange(scaled, 7, 14)).containsExactly(reduced);
    }

    @Test
    void smoothSequenceSpreadsPicksInsteadOfBunchingThem() {
        // plain weighted round robin would send a, a, a, a, a, b, c
        assertThat(WeightedOrder.cycle(new int[] {5, 1, 1})).containsExactly(0, 0, 1, 0, 2, 0, 0);
        assertThat(WeightedOrder.cycle(new int[] {1, 1, 1})).containsExactly(0, 1, 2);
    }

    @Test
    void interleavedOrderForHugeTablesKeepsExactCountsSpreadOut() {
        int[] weights = {256, 1, 3, 256, 17};
        int[] order = WeightedOrder.interleaved(weights, 533);
        int[] counts = new int[weights.length];
        for (int i : order) {
            counts[i]++;
        }
        assertThat(counts).containsExactly(weights);
        assertThat(maxRun(order)).isLessThanOrEqualTo(2);
    }

    @Test
    void usesTheExactSmoothSequenceWithinBudgetAndInterleavesPastIt() {
        int[] small = {256, 255, 1};
        assertThat(WeightedOrder.cycle(small)).containsExactly(WeightedOrder.smooth(small, 512));
        int n = (int) (WeightedOrder.SMOOTH_STEP_BUDGET / (256L * 200)) + 1;
        int[] big = new int[n];
        Arrays.fill(big, 256);
        big[0] = 255;
        int total = Arrays.stream(big).sum();
        assertThat(WeightedOrder.cycle(big)).containsExactly(WeightedOrder.interleaved(big, total));
    }

    private static int maxRun(int[] order) {
        int max = 1;
        int run = 1;
        for (int i = 1; i < order.length; i++) {
            run = order[i] == order[i - 1] ? run + 1 : 1;
            max = Math.max(max, run);
        }
        return max;
    }
}
