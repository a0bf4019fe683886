package org.tandemrec.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Hand cases (computed by hand from the definitions, shown in comments) and properties. */
class BinaryMetricsTest {

    @Test
    void aucHandCases() {
        // Pairs (pos, neg): 0.35>0.1 yes, 0.35>0.4 no, 0.8>0.1 yes, 0.8>0.4 yes -> 3/4.
        assertEquals(0.75, Auc.of(new int[] {0, 0, 1, 1}, new double[] {0.1, 0.4, 0.35, 0.8}), 0);
        // Positive 0.5 ties negative 0.5 (1/2) and beats 0.2 (1); positive 0.9 beats both (2) -> 3.5/4.
        assertEquals(0.875, Auc.of(new int[] {0, 1, 0, 1}, new float[] {0.5f, 0.5f, 0.2f, 0.9f}), 0);
        // A constant scorer ties every pair.
        assertEquals(0.5, Auc.of(new float[] {1, 0, 1, 0, 0}, new float[] {3, 3, 3, 3, 3}), 0);
        // -0.0 and 0.0 are equal scores, as in numpy.
        assertEquals(0.5, Auc.of(new int[] {1, 0}, new float[] {-0.0f, 0.0f}), 0);
    }

    @Test
    void aucRefusesOneClassBadLabelsAndNaN() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Auc.of(new int[] {1, 1}, new float[] {0.1f, 0.2f}));
        assertTrue(e.getMessage().contains("only one class"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Auc.of(new int[] {1, 2}, new float[] {0.1f, 0.2f}));
        assertTrue(e.getMessage().contains("labels[1] = 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Auc.of(new int[] {1, 0}, new float[] {Float.NaN, 0.2f}));
        assertTrue(e.getMessage().contains("scores[0] is NaN"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Auc.of(new int[] {1, 0}, new float[] {0.2f}));
    }

    @Test
    void aucMatchesPairCountingReversesAndIsPermutationInvariant() {
        SplittableRandom rnd = new SplittableRandom(7);
        int n = 2_000;
        int[] y = new int[n];
        float[] s = new float[n];
        for (int i = 0; i < n; i++) {
            y[i] = rnd.nextInt(3) == 0 ? 1 : 0;
            s[i] = rnd.nextInt(50) / 50f + (y[i] == 1 ? 0.1f : 0f); // coarse grid: many ties
        }
        double brute = 0;
        long pairs = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (y[i] == 1 && y[j] == 0) {
                    pairs++;
                    brute += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
            }
        }
        double auc = Auc.of(y, s);
        assertEquals(brute / pairs, auc, 1e-12);

        float[] reversed = new float[n];
        for (int i = 0; i < n; i++) {
            reversed[i] = -s[i];
        }
        assertEquals(1 - auc, Auc.of(y, reversed), 1e-12);

        int[] py = y.clone();
        float[] ps = s.clone();
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int ty = py[i];
            py[i] = py[j];
            py[j] = ty;
            float ts = ps[i];
            ps[i] = ps[j];
            ps[j] = ts;
        }
        assertEquals(auc, Auc.of(py, ps), 0);
    }

    @Test
    void userAucHandCase() {
        // user 0: labels 1,0,0 scores .9,.1,.95 -> pos .9 beats .1, loses to .95 -> 0.5
        // user 1: labels 1,0 scores .2,.1 -> 1.0; user 2: only positives -> skipped.
        int[] users = {0, 1, 0, 2, 1, 0, 2};
        float[] labels = {1, 1, 0, 1, 0, 0, 1};
        float[] scores = {0.9f, 0.2f, 0.1f, 0.3f, 0.1f, 0.95f, 0.4f};
        UserAuc.Result plain = UserAuc.compute(users, labels, scores, UserAuc.Weighting.USERS);
        assertEquals(0.75, plain.value(), 1e-15); // (0.5 + 1) / 2
        assertEquals(2, plain.users());
        assertEquals(1, plain.skippedUsers());
        // Weighted by examples: (3 * 0.5 + 2 * 1) / 5 = 0.7
        assertEquals(0.7, UserAuc.compute(users, labels, scores, UserAuc.Weighting.IMPRESSIONS).value(), 1e-15);
        assertEquals(0.75, UserAuc.of(users, labels, scores), 1e-15);
        assertThrows(IllegalArgumentException.class,
                () -> UserAuc.of(new int[] {0, 1}, new float[] {1, 0}, new float[] {0.5f, 0.5f}));
    }

    @Test
    void logLossHandCasesAndClipping() {
        // -(ln 0.8 + ln(1 - 0.4)) / 2
        assertEquals(-(Math.log(0.8) + Math.log(0.6)) / 2,
                LogLoss.of(new int[] {1, 0}, new double[] {0.8, 0.4}), 1e-15);
        // Clipped at float32 eps = 2^-23: -ln(2^-23) = 23 ln 2 for a certain miss.
        assertEquals(23 * Math.log(2), LogLoss.of(new float[] {1}, new float[] {0f}), 1e-12);
        assertEquals(23 * Math.log(2), LogLoss.of(new float[] {0}, new float[] {1f}), 1e-12);
        // float64 eps = 2^-52.
        assertEquals(52 * Math.log(2), LogLoss.of(new float[] {1}, new double[] {0.0}), 1e-12);
        // A certain hit costs -ln(1 - eps) ~ eps, not 0.
        assertEquals(-Math.log(1 - 0x1.0p-23), LogLoss.of(new float[] {1}, new float[] {1f}), 1e-20);
        assertThrows(IllegalArgumentException.class, () -> LogLoss.of(new float[] {1}, new float[] {1.5f}));
        assertThrows(IllegalArgumentException.class, () -> LogLoss.of(new float[] {1}, new float[] {Float.NaN}));
    }

    @Test
    void confusionHandCases() {
        // predictions (score >= 0.5): 1,0,1,0,1 vs labels 1,1,0,0,1 -> tp 2, fn 1, fp 1, tn 1
        Confusion c = Confusion.at(new float[] {1, 1, 0, 0, 1}, new float[] {0.5f, 0.4f, 0.5f, 0.1f, 0.9f}, 0.5);
        assertEquals(new Confusion(2, 1, 1, 1), c);
        assertEquals(0.6, c.accuracy(), 1e-15);
        assertEquals(2.0 / 3, c.precision(), 1e-15);
        assertEquals(2.0 / 3, c.recall(), 1e-15);
        assertEquals(2.0 / 3, c.f1(), 1e-15);
        // No predicted positives: precision 0/0 -> 0, recall 0/1, F1 0/1.
        Confusion none = Confusion.at(new int[] {1, 0}, new float[] {0.1f, 0.2f}, 0.5);
        assertEquals(0, none.precision());
        assertEquals(0, none.recall());
        assertEquals(0, none.f1());
        assertEquals(0.5, none.accuracy());
        // Neither actual nor predicted positives: F1 0/0 -> 0.
        Confusion empty = Confusion.at(new int[] {0, 0}, new double[] {0.1, 0.2}, 0.5);
        assertEquals(0, empty.f1());
        assertEquals(1, empty.accuracy());
    }
}
