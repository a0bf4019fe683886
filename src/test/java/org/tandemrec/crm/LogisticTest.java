package org.tandemrec.crm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The logit inverts σ, and a probability of exactly 0 or 1 gives the clamp's finite logit. */
class LogisticTest {
    @Test
    void logitsInvertTheSigmoidAndStayFinite() {
        float[] x = {-6f, -1.5f, 0f, 0.25f, 4f};
        float[] p = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            p[i] = Logistic.sigmoid(x[i]);
        }
        float[] z = Logistic.logits(p);
        for (int i = 0; i < x.length; i++) {
            assertEquals(x[i], z[i], 1e-4, "x = " + x[i]);
        }
        float[] edges = Logistic.logits(new float[] {0f, 1f});
        // log(1e-7 / (1 - 1e-7)) = -16.1181
        assertEquals(-16.1181, edges[0], 1e-3);
        assertEquals(16.1181, edges[1], 1e-2);
    }
}
