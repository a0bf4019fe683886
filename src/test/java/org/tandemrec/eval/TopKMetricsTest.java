package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Hand cases computed from the definitions (values in comments). */
class TopKMetricsTest {

    @Test
    void tiesCountAgainstThePositive() {
        // 0.9 above, 0.5 tied (counted against), 0.1 below -> rank 1 + 2 = 3
        assertEquals(3, CandidateRanks.rank(0.5f, new float[] {0.9f, 0.5f, 0.1f}));
        assertEquals(1, CandidateRanks.rank(0.95, new double[] {0.9, 0.5, 0.1}));
    }

    @Test
    void constantScorerGetsTheWorstRank() {
        int lists = 4;
        int c = 20;
        float[] scores = new float[lists * c];
        java.util.Arrays.fill(scores, 0.3f);
        int[] ranks = CandidateRanks.ofRows(scores, c);
        assertArrayEquals(new int[] {20, 20, 20, 20}, ranks);
        assertEquals(0.0, TopKMetrics.hitRate(ranks, 1));
        assertEquals(0.0, TopKMetrics.hitRate(ranks, 10));
        assertEquals(1.0, TopKMetrics.hitRate(ranks, 20));
    }

    @Test
    void rowsWithPositiveColumn() {
        // list 0: positive at column 2 (0.7) beats 0.1 and 0.6 -> rank 1
        // list 1: positive at column 0 (0.2) below 0.3, tied with 0.2 -> rank 3
        double[] scores = {0.1, 0.6, 0.7, 0.2, 0.3, 0.2};
        assertArrayEquals(new int[] {1, 3}, CandidateRanks.ofRows(scores, 3, new int[] {2, 0}));
        assertThrows(IllegalArgumentException.class, () -> CandidateRanks.ofRows(scores, 3, new int[] {3, 0}));
        assertThrows(IllegalArgumentException.class, () -> CandidateRanks.ofRows(scores, 4, new int[] {0}));
    }

    @Test
    void hitRateNdcgMrrByHand() {
        int[] ranks = {1, 3, 11};
        assertEquals(1.0 / 3, TopKMetrics.hitRate(ranks, 1), 1e-15);
        assertEquals(2.0 / 3, TopKMetrics.hitRate(ranks, 10), 1e-15);
        // (1/log2(2) + 1/log2(4) + 0) / 3 = (1 + 0.5) / 3
        assertEquals(0.5, TopKMetrics.ndcg(ranks, 10), 1e-15);
        // rank 11 enters at K = 11: 1/log2(12)
        assertEquals((1.5 + 1 / (Math.log(12) / Math.log(2))) / 3, TopKMetrics.ndcg(ranks, 11), 1e-15);
        // (1 + 1/3 + 1/11) / 3
        assertEquals((1 + 1.0 / 3 + 1.0 / 11) / 3, TopKMetrics.mrr(ranks), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> TopKMetrics.hitRate(ranks, 0));
        assertThrows(IllegalArgumentException.class, () -> TopKMetrics.mrr(new int[0]));
        assertThrows(IllegalArgumentException.class, () -> TopKMetrics.mrr(new int[] {0}));
    }
}
