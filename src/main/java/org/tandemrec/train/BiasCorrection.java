package org.tandemrec.train;

/**
 * Adam's bias corrections 1 − β1^t and √(1 − β2^t) by step count t, remembered for the counts
 * met so far (up to {@value #MEMO}; larger counts are computed each time). The rows of a
 * row-sparse tensor each have their own t, and two {@link Math#pow} per row were a visible part
 * of a lazy step over thousands of rows. The values are exactly those of the formula.
 */
final class BiasCorrection {
    private static final int MEMO = 1 << 16;
    private final double beta1;
    private final double beta2;
    private double[] first = new double[0];
    private double[] secondSqrt = new double[0];

    BiasCorrection(double beta1, double beta2) {
        this.beta1 = beta1;
        this.beta2 = beta2;
    }

    /** 1 − β1^t. */
    double first(long t) {
        if (t < MEMO) {
            reach((int) t);
            return first[(int) t];
        }
        return 1 - Math.pow(beta1, t);
    }

    /** √(1 − β2^t). */
    double secondSqrt(long t) {
        if (t < MEMO) {
            reach((int) t);
            return secondSqrt[(int) t];
        }
        return Math.sqrt(1 - Math.pow(beta2, t));
    }

    private void reach(int t) {
        if (t < first.length) {
            return;
        }
        int from = first.length;
        int n = Math.min(MEMO, Math.max(t + 1, 2 * from));
        first = java.util.Arrays.copyOf(first, n);
        secondSqrt = java.util.Arrays.copyOf(secondSqrt, n);
        for (int k = from; k < n; k++) {
            first[k] = 1 - Math.pow(beta1, k);
            secondSqrt[k] = Math.sqrt(1 - Math.pow(beta2, k));
        }
    }
}
