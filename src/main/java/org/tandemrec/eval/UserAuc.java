package org.tandemrec.eval;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.IntToDoubleFunction;

/**
 * UAUC, the per-user AUC averaged over users: each user's examples are scored with {@link Auc}
 * (ties counting one half) and users whose examples hold only one class are skipped, because
 * their AUC is undefined.
 *
 * <p>The default is the unweighted mean over eligible users ({@link Weighting#USERS}, every
 * user counts the same); {@link Weighting#IMPRESSIONS} weights each user's AUC by that user's
 * number of examples, the "impression-weighted" variant some CTR papers report. Both are
 * undefined — and refused — when no user has both classes.
 */
public final class UserAuc {
    private UserAuc() {
    }

    /** How users' AUCs are averaged. */
    public enum Weighting {
        /** Plain mean over users with both classes. */
        USERS,
        /** Mean weighted by each user's number of examples. */
        IMPRESSIONS
    }

    /**
     * The average and how many users it covers.
     *
     * @param value the averaged AUC
     * @param users users that have both classes and entered the average
     * @param skippedUsers users left out because their examples hold one class only
     */
    public record Result(double value, int users, int skippedUsers) {
    }

    /** Unweighted UAUC. */
    public static double of(int[] users, float[] labels, float[] scores) {
        return compute(users, labels, scores, Weighting.USERS).value();
    }

    public static Result compute(int[] users, float[] labels, float[] scores, Weighting weighting) {
        return computeFloats(users, BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"), weighting);
    }

    public static Result compute(int[] users, int[] labels, float[] scores, Weighting weighting) {
        return computeFloats(users, BinaryLabels.of(labels), Objects.requireNonNull(scores, "scores"), weighting);
    }

    public static Result compute(int[] users, float[] labels, double[] scores, Weighting weighting) {
        boolean[] positive = BinaryLabels.of(labels);
        Objects.requireNonNull(scores, "scores");
        BinaryLabels.sameLength(positive.length, scores.length);
        return compute(users, positive, i -> scores[i], weighting);
    }

    static Result computeFloats(int[] users, boolean[] positive, float[] scores, Weighting weighting) {
        BinaryLabels.sameLength(positive.length, scores.length);
        return compute(users, positive, i -> scores[i], weighting);
    }

    /** One implementation for float and double scores; floats widen exactly, as in {@link Auc}. */
    private static Result compute(int[] users, boolean[] positive, IntToDoubleFunction score, Weighting weighting) {
        int[] order = byUser(users, positive.length);
        double[] pos = new double[maxGroup(users, order)];
        double[] neg = new double[pos.length];
        Accumulator acc = new Accumulator(weighting);
        forEachGroup(users, order, (from, to) -> {
            int p = 0;
            int n = 0;
            for (int k = from; k < to; k++) {
                int i = order[k];
                double s = score.applyAsDouble(i);
                BinaryLabels.checkNotNaN(s, i);
                if (positive[i]) {
                    pos[p++] = s;
                } else {
                    neg[n++] = s;
                }
            }
            acc.add(p, n, p == 0 || n == 0 ? 0 : Auc.sortedHalfPairs(pos, p, neg, n));
        });
        return acc.result();
    }

    /** Example indices sorted by user (then index), via packed primitive keys. */
    private static int[] byUser(int[] users, int n) {
        Objects.requireNonNull(users, "users");
        if (users.length != n) {
            throw new IllegalArgumentException("users and labels differ in length: " + users.length + " != " + n);
        }
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            keys[i] = ((long) users[i] << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    private static int maxGroup(int[] users, int[] order) {
        int[] max = {0};
        forEachGroup(users, order, (from, to) -> max[0] = Math.max(max[0], to - from));
        return max[0];
    }

    private interface Group {
        void accept(int from, int to);
    }

    private static void forEachGroup(int[] users, int[] order, Group g) {
        int from = 0;
        while (from < order.length) {
            int u = users[order[from]];
            int to = from + 1;
            while (to < order.length && users[order[to]] == u) {
                to++;
            }
            g.accept(from, to);
            from = to;
        }
    }

    private static final class Accumulator {
        private final Weighting weighting;
        private double sum;
        private double weight;
        private int users;
        private int skipped;

        Accumulator(Weighting weighting) {
            this.weighting = Objects.requireNonNull(weighting, "weighting");
        }

        void add(int p, int n, long twiceConcordant) {
            if (p == 0 || n == 0) {
                skipped++;
                return;
            }
            double auc = twiceConcordant / (2.0 * p * n);
            double w = weighting == Weighting.USERS ? 1.0 : p + n;
            sum += w * auc;
            weight += w;
            users++;
        }

        Result result() {
            if (users == 0) {
                throw new IllegalArgumentException("UAUC is undefined: none of the " + skipped
                        + " users has both positive and negative examples");
            }
            return new Result(sum / weight, users, skipped);
        }
    }
}
