package org.tandemrec.crm;

/**
 * The logistic function and its log-partition on scalars, for the models whose forward and
 * backward passes are written in plain Java (MF, NCF, LightGCN): σ(x) = 1/(1 + e^−x) and
 * softplus(x) = log(1 + e^x), so that −log σ(x) = softplus(−x); and σ's inverse, the logit, for
 * probabilities read back as scores.
 */
public final class Logistic {
    private Logistic() {
    }

    /** σ(x), computed in double and rounded once. */
    public static float sigmoid(float x) {
        return (float) (1 / (1 + Math.exp(-x)));
    }

    /** log(1 + e^x) without overflow. */
    public static double softplus(double x) {
        return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
    }

    /**
     * log(p / (1 − p)) of each probability, clamped to [1e-7, 1 − 1e-7] first so that a model's
     * 0 or 1 gives a large finite logit rather than an infinite one.
     */
    public static float[] logits(float[] p) {
        float[] z = new float[p.length];
        for (int i = 0; i < p.length; i++) {
            double q = Math.min(1 - 1e-7, Math.max(1e-7, p[i]));
            z[i] = (float) Math.log(q / (1 - q));
        }
        return z;
    }
}
