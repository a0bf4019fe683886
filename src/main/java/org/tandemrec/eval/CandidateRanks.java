package org.tandemrec.eval;

import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * The rank of the positive item within its candidate list (one positive and its sampled
 * negatives, as in BDLM's top-K task: 1 positive + 19 negatives).
 *
 * <p>Ties are counted against the positive: {@code rank = 1 + #negatives with score >= the
 * positive's score}. This is the conservative convention — a constant scorer gets the worst
 * rank, never HR@1 = 1 — and it does not depend on the order candidates are listed in. A NaN
 * score is refused.
 */
public final class CandidateRanks {
    private CandidateRanks() {
    }

    public static int rank(float positive, float[] negatives) {
        Objects.requireNonNull(negatives, "negatives");
        return rank(positive, negatives.length, j -> negatives[j]);
    }

    public static int rank(double positive, double[] negatives) {
        Objects.requireNonNull(negatives, "negatives");
        return rank(positive, negatives.length, j -> negatives[j]);
    }

    /** One implementation for float and double scores: a float widens exactly, keeping every tie. */
    private static int rank(double positive, int count, IntToDoubleFunction negative) {
        checkScore(positive, "positive score");
        int rank = 1;
        for (int j = 0; j < count; j++) {
            double s = negative.applyAsDouble(j);
            checkScore(s, "negatives[" + j + "]");
            if (s >= positive) {
                rank++;
            }
        }
        return rank;
    }

    /**
     * Ranks for L lists of C candidates each.
     *
     * @param scores row-major [L × C] scores
     * @param candidates C, the list length (>= 1)
     * @param positiveColumn [L] column of each list's positive item
     * @return [L] ranks in 1..C
     */
    public static int[] ofRows(float[] scores, int candidates, int[] positiveColumn) {
        int lists = checkShape(Objects.requireNonNull(scores, "scores").length, candidates, positiveColumn);
        return ofRows(lists, i -> scores[i], candidates, positiveColumn);
    }

    public static int[] ofRows(double[] scores, int candidates, int[] positiveColumn) {
        int lists = checkShape(Objects.requireNonNull(scores, "scores").length, candidates, positiveColumn);
        return ofRows(lists, i -> scores[i], candidates, positiveColumn);
    }

    private static int[] ofRows(int lists, IntToDoubleFunction score, int candidates, int[] positiveColumn) {
        int[] ranks = new int[lists];
        for (int l = 0; l < lists; l++) {
            int base = l * candidates;
            double pos = score.applyAsDouble(base + positiveColumn[l]);
            checkScore(pos, "scores[" + (base + positiveColumn[l]) + "]");
            int rank = 1;
            for (int c = 0; c < candidates; c++) {
                double s = score.applyAsDouble(base + c);
                checkScore(s, "scores[" + (base + c) + "]");
                if (c != positiveColumn[l] && s >= pos) {
                    rank++;
                }
            }
            ranks[l] = rank;
        }
        return ranks;
    }

    /** Ranks for L lists of C candidates whose positive is in column 0. */
    public static int[] ofRows(float[] scores, int candidates) {
        Objects.requireNonNull(scores, "scores");
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        return ofRows(scores, candidates, new int[scores.length / candidates]);
    }

    private static int checkShape(int length, int candidates, int[] positiveColumn) {
        Objects.requireNonNull(positiveColumn, "positiveColumn");
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        if (length % candidates != 0) {
            throw new IllegalArgumentException("scores length " + length + " is not a multiple of candidates " + candidates);
        }
        int lists = length / candidates;
        if (positiveColumn.length != lists) {
            throw new IllegalArgumentException("positiveColumn has " + positiveColumn.length + " entries for " + lists + " lists");
        }
        for (int l = 0; l < lists; l++) {
            if (positiveColumn[l] < 0 || positiveColumn[l] >= candidates) {
                throw new IllegalArgumentException("positiveColumn[" + l + "] = " + positiveColumn[l]
                        + " is outside 0.." + (candidates - 1));
            }
        }
        return lists;
    }

    private static void checkScore(double s, String what) {
        if (Double.isNaN(s)) {
            throw new IllegalArgumentException(what + " is NaN");
        }
    }
}
