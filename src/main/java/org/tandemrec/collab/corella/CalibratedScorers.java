package org.tandemrec.collab.corella;

import ai.djl.ndarray.NDManager;
import org.tandemrec.crm.Logistic;
import org.tandemrec.crm.ctr.DcnV2;
import org.tandemrec.crm.ctr.PlattScaling;

/**
 * The two sides of CoReLLa's cascade as calibrated click probabilities: each Platt-scaled on the
 * validation rows (Platt 1999), so that the CRM's and the LLM's answers mean the same thing when
 * hard replacement mixes them, and the per-request oracle that bounds what routing can reach.
 */
final class CalibratedScorers {
    private CalibratedScorers() {
    }

    /**
     * A side's calibrated scorer, its calibrated probabilities of the validation rows it was
     * fitted on, and their logits before scaling.
     */
    record Calibrated(Cascade.Scorer scorer, float[] valid, PlattScaling platt, float[] validLogits) {
    }

    /** The DCNv2's logits with each row's own history, Platt-scaled on {@code valid}. */
    static Calibrated of(DcnV2 crm, ClickExamples valid) {
        float[] z = crm.logits(valid.users(), valid.items(), valid.histories());
        PlattScaling p = PlattScaling.fit(z, valid.labels());
        return new Calibrated(crm(crm, p), scaled(p, z), p, z);
    }

    /** The LLM's P(Yes) as a logit, Platt-scaled on {@code valid}. */
    static Calibrated of(ClickLanguageModel lm, ClickExamples valid, NDManager m) {
        float[] z = Logistic.logits(lm.probabilities(m, valid));
        PlattScaling p = PlattScaling.fit(z, valid.labels());
        return new Calibrated(llm(lm, p, m), scaled(p, z), p, z);
    }

    /** The DCNv2's logits with each row's own history, scaled by {@code p}. */
    static Cascade.Scorer crm(DcnV2 crm, PlattScaling p) {
        return e -> scaled(p, crm.logits(e.users(), e.items(), e.histories()));
    }

    /** The LLM's P(Yes) as a logit, scaled by {@code p}. */
    static Cascade.Scorer llm(ClickLanguageModel lm, PlattScaling p, NDManager m) {
        return e -> scaled(p, Logistic.logits(lm.probabilities(m, e)));
    }

    static float[] scaled(PlattScaling p, float[] z) {
        float[] out = new float[z.length];
        for (int i = 0; i < z.length; i++) {
            out[i] = p.probability(z[i]);
        }
        return out;
    }

    /** Per request, the better of the two answers (the closer to the label). */
    static float[] oracle(float[] labels, float[] crm, float[] llm) {
        float[] out = new float[labels.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = labels[i] == 1f ? Math.max(crm[i], llm[i]) : Math.min(crm[i], llm[i]);
        }
        return out;
    }
}
