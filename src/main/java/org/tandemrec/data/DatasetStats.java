package org.tandemrec.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Summary figures of a data set, as in BDLM Table 1 and CoReLLa Table 1, plus the spread of
 * interactions over items and users (long tails and cold items show there).
 *
 * @param name the data set's name
 * @param users size of the user index
 * @param items size of the item index
 * @param interactions interactions (rows)
 * @param sparsity {@code 1 − interactions / (users · items)} (BDLM Table 1)
 * @param labelRule the rule the positives were counted under
 * @param positives interactions labelled positive by the rule
 * @param positiveShare positives / interactions
 * @param perItem quantiles of interactions per item, over every indexed item
 * @param perUser quantiles of interactions per user, over every indexed user
 */
public record DatasetStats(String name, int users, int items, long interactions, double sparsity, LabelRule labelRule,
                           long positives, double positiveShare, Quantiles perItem, Quantiles perUser) {
    public DatasetStats {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(labelRule, "labelRule");
        Objects.requireNonNull(perItem, "perItem");
        Objects.requireNonNull(perUser, "perUser");
        if (users < 0 || items < 0 || interactions < 0 || positives < 0 || positives > interactions) {
            throw new IllegalArgumentException("inconsistent counts: users=" + users + " items=" + items
                    + " interactions=" + interactions + " positives=" + positives);
        }
    }

    public static DatasetStats of(Dataset d, LabelRule rule) {
        InteractionTable t = d.interactions();
        long n = t.size();
        long pos = 0;
        for (int r = 0; r < n; r++) {
            if (rule.label(t.value(r)) > 0) {
                pos++;
            }
        }
        double cells = (double) d.numUsers() * d.numItems();
        double sparsity = cells == 0 ? 1.0 : 1.0 - n / cells;
        return new DatasetStats(d.name(), d.numUsers(), d.numItems(), n, sparsity, rule, pos,
                n == 0 ? 0.0 : (double) pos / n, Quantiles.of(t.itemCounts()), Quantiles.of(t.userCounts()));
    }

    /**
     * Quantiles of a count distribution, linearly interpolated between order statistics (the
     * default of numpy.quantile and pandas.describe): q-th quantile at position q·(n−1).
     */
    public record Quantiles(double min, double p25, double p50, double p75, double p90, double p99, double max) {
        public static Quantiles of(int[] counts) {
            if (counts.length == 0) {
                return new Quantiles(0, 0, 0, 0, 0, 0, 0);
            }
            int[] s = counts.clone();
            Arrays.sort(s);
            return new Quantiles(s[0], at(s, 0.25), at(s, 0.5), at(s, 0.75), at(s, 0.9), at(s, 0.99), s[s.length - 1]);
        }

        static double at(int[] sorted, double q) {
            double pos = q * (sorted.length - 1);
            int lo = (int) Math.floor(pos);
            int hi = Math.min(lo + 1, sorted.length - 1);
            return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
        }
    }
}
