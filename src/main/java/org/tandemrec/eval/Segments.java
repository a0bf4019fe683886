package org.tandemrec.eval;

import java.util.Arrays;
import java.util.Objects;
import org.tandemrec.base.UsageException;

/**
 * Per-example segment names for {@link SegmentedEvaluator} from training-set counts: warm vs
 * cold items (the split both papers' CRM/LLM contrast rests on) and user-activity buckets.
 * Counts come from the training interactions only, e.g. {@code InteractionTable.itemCounts()}
 * of the training table, so test examples do not leak into their own segment.
 */
public final class Segments {
    public static final String WARM = "warm";
    public static final String COLD = "cold";
    /** Prefix of the user-activity tercile segments: {@code activity-t1} the sparsest third of users. */
    public static final String ACTIVITY_TERCILE = "activity-t";

    private Segments() {
    }

    /**
     * "cold" when the example's item has fewer than {@code minWarm} training interactions, else
     * "warm".
     *
     * @param items [N] item index of each example
     * @param trainCounts [I] training interactions per item index
     */
    public static String[] warmCold(int[] items, int[] trainCounts, int minWarm) {
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(trainCounts, "trainCounts");
        if (minWarm < 1) {
            throw new UsageException("minWarm must be >= 1, got " + minWarm);
        }
        String[] out = new String[items.length];
        for (int i = 0; i < items.length; i++) {
            out[i] = count(items, trainCounts, i, "items") < minWarm ? COLD : WARM;
        }
        return out;
    }

    /**
     * Activity buckets by training count with increasing lower bounds, e.g. {@code {0, 5, 20}}
     * gives "activity 0-4", "activity 5-19" and "activity 20+".
     *
     * @param ids [N] user (or item) index of each example
     * @param trainCounts training interactions per index
     * @param lowerBounds strictly increasing, starting at 0
     */
    public static String[] activityBuckets(int[] ids, int[] trainCounts, int[] lowerBounds) {
        Objects.requireNonNull(ids, "ids");
        Objects.requireNonNull(trainCounts, "trainCounts");
        Objects.requireNonNull(lowerBounds, "lowerBounds");
        if (lowerBounds.length == 0 || lowerBounds[0] != 0) {
            throw new UsageException("lowerBounds must start at 0");
        }
        String[] names = new String[lowerBounds.length];
        for (int b = 0; b < lowerBounds.length; b++) {
            if (b > 0 && lowerBounds[b] <= lowerBounds[b - 1]) {
                throw new UsageException("lowerBounds must increase strictly, got " + lowerBounds[b - 1]
                        + " then " + lowerBounds[b]);
            }
            names[b] = b + 1 < lowerBounds.length
                    ? "activity " + lowerBounds[b] + "-" + (lowerBounds[b + 1] - 1)
                    : "activity " + lowerBounds[b] + "+";
        }
        String[] out = new String[ids.length];
        for (int i = 0; i < ids.length; i++) {
            int c = count(ids, trainCounts, i, "ids");
            int b = lowerBounds.length - 1;
            while (lowerBounds[b] > c) {
                b--;
            }
            out[i] = names[b];
        }
        return out;
    }

    /**
     * User-activity terciles: "activity-t1" for the examples of the third of users with the
     * fewest training interactions (BDLM's sparse users), "activity-t3" for the most active
     * third. The cut points are the 1/3 and 2/3 quantiles of the training count over every user
     * with at least one training interaction; users at a cut point fall in the lower tercile.
     *
     * @param users [N] user index of each example
     * @param userTrainCounts [U] training interactions per user
     */
    public static String[] activityTerciles(int[] users, int[] userTrainCounts) {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(userTrainCounts, "userTrainCounts");
        int active = 0;
        for (int c : userTrainCounts) {
            active += c > 0 ? 1 : 0;
        }
        int[] sorted = new int[active];
        int k = 0;
        for (int c : userTrainCounts) {
            if (c > 0) {
                sorted[k++] = c;
            }
        }
        Arrays.sort(sorted);
        int low = active == 0 ? 0 : sorted[(active - 1) / 3];
        int high = active == 0 ? 0 : sorted[(2 * (active - 1)) / 3];
        String[] out = new String[users.length];
        for (int i = 0; i < users.length; i++) {
            int c = count(users, userTrainCounts, i, "users");
            out[i] = ACTIVITY_TERCILE + (c <= low ? 1 : c <= high ? 2 : 3);
        }
        return out;
    }

    private static int count(int[] ids, int[] counts, int i, String what) {
        int id = ids[i];
        if (id < 0 || id >= counts.length) {
            throw new IllegalArgumentException(what + "[" + i + "] = " + id + " is outside 0.." + (counts.length - 1));
        }
        if (counts[id] < 0) {
            throw new IllegalArgumentException("count of index " + id + " is negative: " + counts[id]);
        }
        return counts[id];
    }
}
