package org.tandemrec.collab.corella;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.eval.ConfidenceBuckets;

/** The LLM's scaling is fitted on the validation rows a budget routes to it, and only where they are enough. */
class RoutedCalibrationTest {
    private static final int N = 400;
    private final float[] labels = new float[N];
    private final float[] crm = new float[N];
    private final float[] llm = new float[N];

    /**
     * 300 rows the CRM is sure of (and right), 100 it is not (p ≈ 0.5), where clicks are rarer (a
     * third) and the LLM's logits are weaker than on the sure rows: the whole set's scaling
     * misjudges the unsure ones.
     */
    RoutedCalibrationTest() {
        SplittableRandom r = new SplittableRandom(4);
        for (int i = 0; i < N; i++) {
            boolean sure = i < 300;
            labels[i] = (sure ? r.nextDouble() < 0.5 : r.nextDouble() < 1.0 / 3) ? 1f : 0f;
            crm[i] = sure ? (labels[i] == 1f ? 0.9f : 0.1f) + (float) (0.05 * (r.nextDouble() - 0.5))
                    : 0.5f + (float) (0.08 * (r.nextDouble() - 0.5));
            llm[i] = (float) ((labels[i] == 1f ? 1 : -1) * (sure ? 3.0 : 0.6) + r.nextGaussian());
        }
    }

    private static double logLoss(PlattScaling p, float[] z, float[] y) {
        double sum = 0;
        for (int i = 0; i < z.length; i++) {
            double q = p.probability(z[i]);
            sum -= y[i] == 1f ? Math.log(q) : Math.log(1 - q);
        }
        return sum / z.length;
    }

    @Test
    void theLlmIsScaledOnTheRowsItAnswers() {
        PlattScaling whole = PlattScaling.fit(llm, labels);
        RoutedCalibration c = RoutedCalibration.fit(0.25, labels, crm, llm, whole);
        // The budget routes exactly the hundred unsure rows: the fit is that of their logits alone.
        int[] order = ConfidenceBuckets.byEntropy(crm);
        float[] z = new float[100];
        float[] y = new float[100];
        for (int k = 0; k < 100; k++) {
            int i = order[N - 100 + k];
            assertTrue(i >= 300, "row " + i + " is one the CRM is sure of");
            z[k] = llm[i];
            y[k] = labels[i];
        }
        PlattScaling own = PlattScaling.fit(z, y);
        assertEquals(own.scale(), c.llm().scale(), 1e-12);
        assertEquals(own.shift(), c.llm().shift(), 1e-12);
        assertEquals(100, count(c.router()));
        assertTrue(logLoss(c.llm(), z, y) < logLoss(whole, z, y) - 0.01,
                logLoss(c.llm(), z, y) + " against the whole set's " + logLoss(whole, z, y));
    }

    @Test
    void tooFewRoutedRowsOrOneClassKeepTheWholeSetsScaling() {
        PlattScaling whole = PlattScaling.fit(llm, labels);
        assertSame(whole, RoutedCalibration.fit(0.1, labels, crm, llm, whole).llm(), "40 rows < " + RoutedCalibration.MIN_ROWS);
        assertSame(whole, RoutedCalibration.fit(0, labels, crm, llm, whole).llm());
        float[] clicks = labels.clone();
        for (int i = 300; i < N; i++) {
            clicks[i] = 1f;
        }
        assertSame(whole, RoutedCalibration.fit(0.25, clicks, crm, llm, whole).llm(), "every routed row a click");
    }

    @Test
    void validationChoosesAmongBudgetsWithEachOnesOwnScaling() {
        PlattScaling whole = PlattScaling.fit(llm, labels);
        double[] fractions = {0, 0.25, 1};
        RoutedCalibration chosen = RoutedCalibration.chosenOnValidation(labels, crm, llm, whole, fractions);
        double best = Double.NEGATIVE_INFINITY;
        double bestBudget = -1;
        for (double f : fractions) {
            double auc = RoutedCalibration.fit(f, labels, crm, llm, whole).point(labels, crm, llm).auc();
            if (auc > best + 1e-12) {
                best = auc;
                bestBudget = f;
            }
        }
        assertEquals(bestBudget, chosen.router().budget(), 1e-12);
        assertEquals(best, chosen.point(labels, crm, llm).auc(), 1e-12);
    }

    private int count(EntropyRouter r) {
        int n = 0;
        for (float p : crm) {
            n += r.routes(p) ? 1 : 0;
        }
        return n;
    }
}
