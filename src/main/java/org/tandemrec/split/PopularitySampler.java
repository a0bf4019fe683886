package org.tandemrec.split;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;

/**
 * Draws items with probability proportional to {@code count^exponent}, count being the item's
 * interactions in train (BDLM §4.1 "popularity sampling"); without replacement among free
 * items. Items never seen in train have weight 0 and are never drawn.
 */
public final class PopularitySampler implements NegativeSampler {
    private static final int MAX_REJECTIONS = 64;
    private final double[] weights;
    private final double[] cumulative;

    public PopularitySampler(int[] itemCounts, double exponent) {
        if (!Double.isFinite(exponent) || exponent < 0) {
            throw new UsageException("exponent must be finite and >= 0, got " + exponent);
        }
        weights = new double[itemCounts.length];
        cumulative = new double[itemCounts.length];
        double sum = 0;
        for (int i = 0; i < itemCounts.length; i++) {
            weights[i] = itemCounts[i] > 0 ? Math.pow(itemCounts[i], exponent) : 0;
            sum += weights[i];
            cumulative[i] = sum;
        }
    }

    /** The probability of drawing each item first from a list with nothing taken. */
    public double[] probabilities() {
        double total = cumulative.length == 0 ? 0 : cumulative[cumulative.length - 1];
        double[] p = new double[weights.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = total > 0 ? weights[i] / total : 0;
        }
        return p;
    }

    @Override
    public int draw(int positive, int n, TakenItems taken, SplittableRandom random, int[] out, int offset) {
        int numItems = weights.length;
        double total = numItems == 0 ? 0 : cumulative[numItems - 1];
        if (total <= 0) {
            return 0;
        }
        int drawn = 0;
        int rejections = 0;
        while (drawn < n && rejections < MAX_REJECTIONS * n) {
            int item = Arrays.binarySearch(cumulative, random.nextDouble() * total);
            item = item >= 0 ? item + 1 : -item - 1;
            // binarySearch may land on a zero-weight item sharing a cumulative value; skip to a weighted one.
            while (item < numItems && weights[item] == 0) {
                item++;
            }
            if (item < numItems && taken.take(item)) {
                out[offset + drawn++] = item;
            } else {
                rejections++;
            }
        }
        if (drawn < n) {
            drawn += drawExact(n - drawn, taken, random, out, offset + drawn);
        }
        return drawn;
    }

    /** Sequential weighted draws over the free items, for users whose free pool is small. */
    private int drawExact(int n, TakenItems taken, SplittableRandom random, int[] out, int offset) {
        int[] free = new int[taken.freeCount()];
        double[] w = new double[free.length];
        int f = 0;
        double sum = 0;
        for (int i = 0; i < weights.length; i++) {
            if (taken.isFree(i) && weights[i] > 0) {
                free[f] = i;
                w[f] = weights[i];
                sum += w[f++];
            }
        }
        int drawn = 0;
        while (drawn < n && sum > 0) {
            double x = random.nextDouble() * sum;
            int k = 0;
            double acc = w[0];
            while (acc <= x && k < f - 1) {
                acc += w[++k];
            }
            if (w[k] == 0) {
                break;
            }
            taken.take(free[k]);
            out[offset + drawn++] = free[k];
            sum -= w[k];
            w[k] = 0;
        }
        return drawn;
    }

    @Override
    public String name() {
        return "popularity";
    }
}
