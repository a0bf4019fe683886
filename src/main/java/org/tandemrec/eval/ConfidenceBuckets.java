package org.tandemrec.eval;

import java.util.Arrays;
import java.util.Objects;
import org.tandemrec.base.UsageException;

/**
 * CoReLLa's confidence analysis: the CRM's confidence in an example is the binary entropy of
 * its predicted click probability, {@code H(p) = −p ln p − (1−p) ln(1−p)} (nats, {@code 0 ln 0
 * = 0}); low entropy = confident. Examples are split into B equal-size quantile buckets of
 * entropy, bucket 0 the most confident. Ties in entropy (compared at float precision) are
 * broken by example index, so the assignment is deterministic.
 */
public final class ConfidenceBuckets {
    private ConfidenceBuckets() {
    }

    public static double entropy(double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], got " + p);
        }
        // + 0.0 turns the -0.0 of a certain prediction into 0.0
        return -xlnx(p) - xlnx(1 - p) + 0.0;
    }

    private static double xlnx(double x) {
        return x == 0 ? 0 : x * Math.log(x);
    }

    /**
     * Example indices ordered from most confident (lowest entropy) to least confident.
     *
     * @param scores [N] CRM click probabilities
     * @return [N] permutation of 0..N-1
     */
    public static int[] byEntropy(float[] scores) {
        Objects.requireNonNull(scores, "scores");
        long[] keys = new long[scores.length];
        for (int i = 0; i < scores.length; i++) {
            double h;
            try {
                h = entropy(scores[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("scores[" + i + "]: " + e.getMessage());
            }
            // Non-negative floats order like their bit patterns; the index breaks ties.
            keys[i] = ((long) Float.floatToIntBits((float) h) << 32) | i;
        }
        Arrays.sort(keys);
        int[] order = new int[scores.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = (int) keys[i];
        }
        return order;
    }

    /**
     * Bucket of each example: the r-th most confident of N goes to bucket {@code floor(r·B/N)}, so
     * bucket sizes differ by at most one.
     *
     * @return [N] bucket ids in 0..B-1
     */
    public static int[] assign(float[] scores, int buckets) {
        if (buckets < 1) {
            throw new UsageException("buckets must be >= 1, got " + buckets);
        }
        int[] order = byEntropy(scores);
        int[] bucket = new int[order.length];
        for (int r = 0; r < order.length; r++) {
            bucket[order[r]] = (int) ((long) r * buckets / order.length);
        }
        return bucket;
    }

    /** Segment names for bucket ids: "entropy-q1" (most confident) … "entropy-qB". */
    public static String[] names(int[] bucketIds) {
        Objects.requireNonNull(bucketIds, "bucketIds");
        String[] out = new String[bucketIds.length];
        for (int i = 0; i < out.length; i++) {
            if (bucketIds[i] < 0) {
                throw new IllegalArgumentException("bucketIds[" + i + "] = " + bucketIds[i] + " is negative");
            }
            out[i] = "entropy-q" + (bucketIds[i] + 1);
        }
        return out;
    }
}
