package org.tandemrec.eval;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * Area under the ROC curve, equal to scikit-learn's {@code roc_auc_score} for binary labels
 * including ties: the probability that a random positive scores above a random negative, a tied
 * pair counting one half (the Mann–Whitney U statistic with average ranks for ties, which is
 * what the trapezoidal ROC area gives).
 *
 * <p>Runs in O(n log n) on primitive arrays: positives' and negatives' scores are copied into
 * two {@code double[]} (a float widens exactly), sorted with the JDK's primitive sort, and merged once. The concordant
 * count is kept exactly as a {@code long} of half-pairs, so the only rounding is the final
 * division. Scores may be any finite or infinite value; NaN is refused. When only one class is
 * present the AUC is undefined and an {@link IllegalArgumentException} is thrown, as
 * scikit-learn raises a {@code ValueError}.
 */
public final class Auc {
    private Auc() {
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
        return of(positive, i -> scores[i]);
    }

    static double ofDoubles(boolean[] positive, double[] scores) {
        BinaryLabels.sameLength(positive.length, scores.length);
        return of(positive, i -> scores[i]);
    }

    /**
     * One implementation for float and double scores: widening a float to double is exact and
     * keeps every order and tie, so the double sort and merge give the float answer too.
     */
    private static double of(boolean[] positive, IntToDoubleFunction score) {
        int p = 0;
        for (boolean b : positive) {
            p += b ? 1 : 0;
        }
        int n = positive.length - p;
        requireBothClasses(p, n);
        double[] pos = new double[p];
        double[] neg = new double[n];
        int ip = 0;
        int in = 0;
        for (int i = 0; i < positive.length; i++) {
            double s = score.applyAsDouble(i);
            BinaryLabels.checkNotNaN(s, i);
            if (positive[i]) {
                pos[ip++] = s;
            } else {
                neg[in++] = s;
            }
        }
        return sortedHalfPairs(pos, p, neg, n) / (2.0 * p * n);
    }

    static void requireBothClasses(long positives, long negatives) {
        if (positives == 0 || negatives == 0) {
            throw new IllegalArgumentException("AUC is undefined when only one class is present: "
                    + positives + " positives, " + negatives + " negatives");
        }
    }

    /**
     * Sorts the first {@code p} / {@code n} entries in place and returns twice the number of
     * (positive, negative) pairs ranked correctly, ties counting one: 2·U.
     */
    static long sortedHalfPairs(double[] pos, int p, double[] neg, int n) {
        Arrays.sort(pos, 0, p);
        Arrays.sort(neg, 0, n);
        long twice = 0;
        int below = 0;
        int i = 0;
        while (i < p) {
            double v = pos[i];
            int end = i + 1;
            // == (not Double.compare) so that -0.0 and 0.0 form one tie group, as in numpy.
            while (end < p && pos[end] == v) {
                end++;
            }
            while (below < n && neg[below] < v) {
                below++;
            }
            int tiedEnd = below;
            while (tiedEnd < n && neg[tiedEnd] == v) {
                tiedEnd++;
            }
            twice += (long) (end - i) * (2L * below + (tiedEnd - below));
            i = end;
        }
        return twice;
    }
}
