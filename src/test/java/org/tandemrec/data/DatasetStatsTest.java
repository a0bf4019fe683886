package org.tandemrec.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class DatasetStatsTest {
    @Test
    void handComputedFigures() {
        // 3 users × 4 items, 4 interactions; item 3 has none.
        InteractionTable t = new InteractionTable(new int[] {0, 0, 1, 2}, new int[] {0, 1, 0, 2},
                new float[] {5, 3, 4, 1}, new long[] {1, 2, 3, 4}, 3, 4);
        Dataset d = new Dataset("tiny", t, IdMap.identity(3), IdMap.identity(4),
                Collections.nCopies(4, ItemInfo.EMPTY), Collections.nCopies(3, UserProfile.EMPTY));
        DatasetStats s = DatasetStats.of(d, LabelRule.atLeast(4));
        assertEquals(3, s.users());
        assertEquals(4, s.items());
        assertEquals(4, s.interactions());
        assertEquals(1 - 4.0 / 12, s.sparsity(), 1e-12);
        assertEquals(2, s.positives());
        assertEquals(0.5, s.positiveShare(), 1e-12);
        // Item counts sorted [0,1,1,2]: the q-quantile sits at q·3, interpolated linearly.
        assertEquals(new DatasetStats.Quantiles(0, 0.75, 1, 1.25, 1.7, 1.97, 2), round(s.perItem()));
        // User counts sorted [1,1,2]: position q·2.
        assertEquals(new DatasetStats.Quantiles(1, 1, 1, 1.5, 1.8, 1.98, 2), round(s.perUser()));
        assertEquals(4, DatasetStats.of(d, LabelRule.implicitFeedback()).positives());
    }

    private static DatasetStats.Quantiles round(DatasetStats.Quantiles q) {
        List<Double> v = List.of(q.min(), q.p25(), q.p50(), q.p75(), q.p90(), q.p99(), q.max()).stream()
                .map(x -> Math.round(x * 1e9) / 1e9).toList();
        return new DatasetStats.Quantiles(v.get(0), v.get(1), v.get(2), v.get(3), v.get(4), v.get(5), v.get(6));
    }
}
