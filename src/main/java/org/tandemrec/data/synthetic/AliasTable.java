package org.tandemrec.data.synthetic;

import java.util.SplittableRandom;

/**
 * Walker's alias method: after O(n) set-up, draws an index with probability proportional to
 * its weight in O(1) (one uniform index, one uniform coin). Indexes with weight 0 are never drawn.
 */
final class AliasTable {
    private final double[] threshold;
    private final int[] alias;
    private final int[] values;

    /**
     * @param values what a draw returns for each position (e.g. item indexes)
     * @param weights non-negative, finite weights, at least one positive
     */
    AliasTable(int[] values, double[] weights) {
        int n = weights.length;
        if (values.length != n) {
            throw new IllegalArgumentException("values length " + values.length + " != weights length " + n);
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            if (!(weights[i] >= 0) || Double.isInfinite(weights[i])) {
                throw new IllegalArgumentException("weight " + i + " must be >= 0 and finite, got " + weights[i]);
            }
            sum += weights[i];
        }
        if (!(sum > 0)) {
            throw new IllegalArgumentException("weights must have a positive sum, got " + sum + " over " + n);
        }
        this.values = values.clone();
        this.threshold = new double[n];
        this.alias = new int[n];
        double[] scaled = new double[n];
        int[] small = new int[n];
        int[] large = new int[n];
        int ns = 0;
        int nl = 0;
        for (int i = 0; i < n; i++) {
            scaled[i] = weights[i] * n / sum;
            if (scaled[i] < 1) {
                small[ns++] = i;
            } else {
                large[nl++] = i;
            }
        }
        while (ns > 0 && nl > 0) {
            int s = small[--ns];
            int l = large[--nl];
            threshold[s] = scaled[s];
            alias[s] = l;
            scaled[l] = scaled[l] + scaled[s] - 1;
            if (scaled[l] < 1) {
                small[ns++] = l;
            } else {
                large[nl++] = l;
            }
        }
        // Leftovers are 1 up to rounding: they keep themselves.
        while (nl > 0) {
            int l = large[--nl];
            threshold[l] = 1;
            alias[l] = l;
        }
        while (ns > 0) {
            int s = small[--ns];
            threshold[s] = 1;
            alias[s] = s;
        }
    }

    int sample(SplittableRandom rng) {
        int k = rng.nextInt(threshold.length);
        return values[rng.nextDouble() < threshold[k] ? k : alias[k]];
    }

    int size() {
        return threshold.length;
    }
}
