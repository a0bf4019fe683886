package org.tandemrec.eval;

import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * Confusion counts of thresholded predictions and the metrics derived from them, following
 * scikit-learn's {@code accuracy_score}, {@code precision_score}, {@code recall_score} and
 * {@code f1_score} for the positive class 1.
 *
 * <p>An example is predicted positive iff its score is {@code >= threshold} (the reference
 * fixture's second case has scores exactly 0.5 and matches only with {@code >=}). A ratio whose
 * denominator is zero is 0 — sklearn's {@code zero_division="warn"} default, which returns 0:
 * precision with no predicted positives, recall with no actual positives, F1 when
 * {@code 2·tp + fp + fn = 0}.
 */
public record Confusion(long truePositives, long falsePositives, long trueNegatives, long falseNegatives) {
    /** The threshold both papers' ACC uses. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    public Confusion {
        if (truePositives < 0 || falsePositives < 0 || trueNegatives < 0 || falseNegatives < 0) {
            throw new IllegalArgumentException("confusion counts must be >= 0, got tp=" + truePositives + " fp="
                    + falsePositives + " tn=" + trueNegatives + " fn=" + falseNegatives);
        }
    }

    public static Confusion at(float[] labels, float[] scores, double threshold) {
        return ofFloats(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"), threshold);
    }

    public static Confusion at(int[] labels, float[] scores, double threshold) {
        return ofFloats(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"), threshold);
    }

    public static Confusion at(float[] labels, double[] scores, double threshold) {
        return ofDoubles(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"), threshold);
    }

    public static Confusion at(int[] labels, double[] scores, double threshold) {
        return ofDoubles(BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"), threshold);
    }

    static Confusion ofFloats(boolean[] positive, float[] scores, double threshold) {
        checkThreshold(threshold);
        BinaryLabels.sameLength(positive.length, scores.length);
        return count(positive, i -> scores[i], threshold);
    }

    static Confusion ofDoubles(boolean[] positive, double[] scores, double threshold) {
        checkThreshold(threshold);
        BinaryLabels.sameLength(positive.length, scores.length);
        return count(positive, i -> scores[i], threshold);
    }

    /** One implementation for float and double scores: {@code float >= double} compares widened anyway. */
    private static Confusion count(boolean[] positive, IntToDoubleFunction score, double threshold) {
        long[] c = new long[4];
        for (int i = 0; i < positive.length; i++) {
            double s = score.applyAsDouble(i);
            BinaryLabels.checkNotNaN(s, i);
            c[(positive[i] ? 2 : 0) + (s >= threshold ? 1 : 0)]++;
        }
        return fromCells(c);
    }

    /** Cells indexed by 2·label + predicted. */
    private static Confusion fromCells(long[] c) {
        return new Confusion(c[3], c[1], c[0], c[2]);
    }

    private static void checkThreshold(double threshold) {
        if (Double.isNaN(threshold)) {
            throw new IllegalArgumentException("threshold must be a number, got NaN");
        }
    }

    public long total() {
        return truePositives + falsePositives + trueNegatives + falseNegatives;
    }

    public double accuracy() {
        return ratio(truePositives + trueNegatives, total());
    }

    public double precision() {
        return ratio(truePositives, truePositives + falsePositives);
    }

    public double recall() {
        return ratio(truePositives, truePositives + falseNegatives);
    }

    public double f1() {
        return ratio(2 * truePositives, 2 * truePositives + falsePositives + falseNegatives);
    }

    private static double ratio(long num, long den) {
        return den == 0 ? 0.0 : (double) num / den;
    }
}
