package org.tandemrec.eval;

import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * Mean binary cross-entropy (natural log) of predicted click probabilities, clipped as
 * scikit-learn 1.9's {@code log_loss} does: the two columns {@code [1 − p, p]} are computed in
 * the input's precision and clipped to {@code [eps, 1 − eps]} with {@code eps} the machine
 * epsilon of the input type — {@code 2^-23 ≈ 1.19e-7} for {@code float[]} scores (numpy
 * float32) and {@code 2^-52 ≈ 2.22e-16} for {@code double[]} scores (float64). So a confident
 * wrong float prediction costs at most {@code −ln(2^-23) ≈ 15.94}.
 *
 * <p>The reference fixture {@code metrics-golden.json} holds float64 scores, and its log loss
 * is reproduced to the last bit by the float64 path; evaluating the same scores rounded to
 * float32 moves the loss by 2e-9 to 6e-9. Its smallest score (1e-6) lies above both epsilons,
 * so the fixture cannot tell the two clipping bounds apart: the bound follows sklearn's code.
 *
 * <p>Differences from sklearn: scores outside [0, 1] or NaN are refused instead of warned about,
 * and the sum runs sequentially in double (sklearn sums pairwise), a difference of order 1e-16
 * relative.
 */
public final class LogLoss {
    /** numpy's {@code finfo(float32).eps}. */
    public static final float EPS_FLOAT = 0x1.0p-23f;
    /** numpy's {@code finfo(float64).eps}. */
    public static final double EPS_DOUBLE = 0x1.0p-52;

    private LogLoss() {
    }

    public static double of(float[] labels, float[] scores) {
        return ofFloats(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"));
    }

    public static double of(int[] labels, float[] scores) {
        return ofFloats(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"));
    }

    public static double of(float[] labels, double[] scores) {
        return ofDoubles(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"));
    }

    public static double of(int[] labels, double[] scores) {
        return ofDoubles(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"));
    }

    static double ofFloats(boolean[] positive, float[] scores) {
        BinaryLabels.sameLength(positive.length, scores.length);
        return mean(positive, i -> scores[i], true);
    }

    static double ofDoubles(boolean[] positive, double[] scores) {
        BinaryLabels.sameLength(positive.length, scores.length);
        return mean(positive, i -> scores[i], false);
    }

    /**
     * One loop for both precisions: a float score widens to double exactly, and {@code float32}
     * narrows it back so the observed class's probability is formed and clipped in float32, as
     * numpy holds it.
     */
    private static double mean(boolean[] positive, IntToDoubleFunction score, boolean float32) {
        double sum = 0;
        for (int i = 0; i < positive.length; i++) {
            double p = score.applyAsDouble(i);
            checkProbability(p, i);
            sum -= Math.log(float32 ? observedFloat((float) p, positive[i]) : observedDouble(p, positive[i]));
        }
        return sum / positive.length;
    }

    private static float observedFloat(float p, boolean positive) {
        float q = positive ? p : 1f - p;
        return Math.min(Math.max(q, EPS_FLOAT), 1f - EPS_FLOAT);
    }

    private static double observedDouble(double p, boolean positive) {
        double q = positive ? p : 1.0 - p;
        return Math.min(Math.max(q, EPS_DOUBLE), 1.0 - EPS_DOUBLE);
    }

    private static void checkProbability(double p, int i) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("scores[" + i + "] = " + p
                    + " is not a probability in [0, 1]; log loss needs probabilities");
        }
    }
}
