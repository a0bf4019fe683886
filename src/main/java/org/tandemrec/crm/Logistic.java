package org.tandemrec.crm;

/**
 * The logistic function and its log-partition on scalars, for the models whose forward and
 * backward passes are written in plain Java (MF, NCF, LightGCN): σ(x) = 1/(1 + e^−x) and
 * softplus(x) = log(1 + e^x), so that −log σ(x) = softplus(−x).
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
}
