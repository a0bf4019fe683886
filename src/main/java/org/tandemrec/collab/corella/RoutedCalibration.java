package org.tandemrec.collab.corella;

import org.tandemrec.crm.ctr.PlattScaling;
import org.tandemrec.eval.ConfidenceBuckets;
import org.tandemrec.eval.RoutingCurve;

/**
 * The LLM's calibration under CoReLLa's hard replacement (arXiv 2403.16378 §3.4): the LLM answers
 * only the CRM's least confident requests, so its Platt scaling is fitted on the validation rows a
 * budget routes to it, not on all of them — their click rate, and how far the LLM's answers can be
 * trusted there, are not the whole set's. With fewer than {@value #MIN_ROWS} routed rows, or one
 * class among them, the whole set's scaling stands.
 *
 * @param router the entropy threshold of the budget
 * @param llm the LLM's scaling for the requests the router sends it
 */
record RoutedCalibration(EntropyRouter router, PlattScaling llm) {
    /** Fewest routed validation rows a scaling of their own is fitted on. */
    static final int MIN_ROWS = 50;

    /**
     * The router of {@code budget} on the CRM's calibrated validation probabilities {@code crmValid}
     * and the LLM's scaling fitted on the rows it routes ({@code llmLogits}: the LLM's raw
     * logits of the same rows; {@code whole}: its scaling on all of them).
     */
    static RoutedCalibration fit(double budget, float[] labels, float[] crmValid, float[] llmLogits, PlattScaling whole) {
        int n = labels.length;
        int routed = (int) Math.round(budget * n);
        // The order RoutingCurve routes in: the last `routed` are the least confident.
        int[] order = ConfidenceBuckets.byEntropy(crmValid);
        float[] z = new float[routed];
        float[] y = new float[routed];
        int positives = 0;
        for (int r = 0; r < routed; r++) {
            int i = order[n - routed + r];
            z[r] = llmLogits[i];
            y[r] = labels[i];
            positives += labels[i] == 1f ? 1 : 0;
        }
        PlattScaling own = routed >= MIN_ROWS && positives > 0 && positives < routed ? PlattScaling.fit(z, y) : whole;
        return new RoutedCalibration(EntropyRouter.forBudget(crmValid, budget), own);
    }

    /**
     * The budget of best validation AUC among {@code fractions} (the smallest of equal ones: fewer
     * LLM calls), each scored with the LLM calibrated on its own routed rows.
     */
    static RoutedCalibration chosenOnValidation(float[] labels, float[] crmValid, float[] llmLogits, PlattScaling whole,
                                                double[] fractions) {
        RoutedCalibration best = null;
        double bestAuc = Double.NEGATIVE_INFINITY;
        for (double f : fractions) {
            RoutedCalibration c = fit(f, labels, crmValid, llmLogits, whole);
            double auc = c.point(labels, crmValid, llmLogits).auc();
            if (best == null || auc > bestAuc + 1e-12) {
                best = c;
                bestAuc = auc;
            }
        }
        return best;
    }

    /** The routing point of this budget on {@code labels}: the CRM's probabilities, the LLM's raw logits. */
    RoutingCurve.Point point(float[] labels, float[] crm, float[] llmLogits) {
        return RoutingCurve.compute(labels, crm, CalibratedScorers.scaled(llm, llmLogits), new double[] {router.budget()})
                .get(0);
    }
}
