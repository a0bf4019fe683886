package org.tandemrec.crm.cf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.train.TrainConfig;
import org.tandemrec.train.TrainHooks;

/** MF with BCE on explicitly labelled rows (no sampled negatives), the CTR variant. */
class LabelledMfTest {
    @Test
    void learnsLabelsNotExposure() {
        // Every user rated both items; even items are liked (1), odd items are not (0). A model of
        // exposure could not tell them apart: every item is seen equally often.
        int users = 40;
        int items = 6;
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (int u = 0; u < users; u++) {
            for (int i = 0; i < items; i++) {
                b.add(u, i, i % 2 == 0 ? 1f : 0f, u * items + i);
            }
        }
        TrainConfig tc = TrainConfig.builder().epochs(40).batchSize(32).learningRate(0.05)
                .optimizer(TrainConfig.OptimizerKind.LAZY_ADAM).seed(3).build();
        MatrixFactorization m = MatrixFactorization.fit(b.build(users, items), MfConfig.labelledBce(4), tc,
                TrainHooks.none(), null);
        float[] liked = m.score(new int[] {0, 7}, new int[] {2, 4});
        float[] disliked = m.score(new int[] {0, 7}, new int[] {1, 5});
        for (int k = 0; k < 2; k++) {
            assertTrue(liked[k] > 0.8f && disliked[k] < 0.2f, "liked " + liked[k] + " disliked " + disliked[k]);
        }
    }

    @Test
    void bprStillNeedsNegatives() {
        var e = assertThrows(IllegalArgumentException.class, () -> new MfConfig(4, MfConfig.Loss.BPR, 0, 0, 0.1));
        assertEquals("negatives must be > 0, got 0", e.getMessage());
    }
}
