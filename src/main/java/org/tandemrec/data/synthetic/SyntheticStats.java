package org.tandemrec.data.synthetic;

import java.util.Arrays;
import org.tandemrec.data.InteractionTable;

/**
 * Summary figures of a synthetic world's interactions against its truth.
 *
 * @param interactions number of interactions
 * @param warmItems number of warm items
 * @param coldItems number of cold items
 * @param meanWarmInteractions mean interactions per warm item
 * @param minWarmInteractions fewest interactions of a warm item
 * @param medianWarmInteractions median interactions per warm item
 * @param maxWarmInteractions most interactions of a warm item
 * @param meanColdInteractions mean interactions per cold item (NaN without cold items)
 * @param maxColdInteractions most interactions of a cold item
 * @param coldWithoutInteractions cold items nobody interacted with
 * @param likeRate share of interactions rated ≥ 4
 * @param meanTruthProbability mean of p(u,i) over the interactions (≈ likeRate by construction)
 * @param oracleAuc AUC of p(u,i) as score against the rating ≥ 4 labels over all interactions
 */
public record SyntheticStats(int interactions, int warmItems, int coldItems,
                             double meanWarmInteractions, int minWarmInteractions, int medianWarmInteractions,
                             int maxWarmInteractions, double meanColdInteractions, int maxColdInteractions,
                             int coldWithoutInteractions, double likeRate, double meanTruthProbability,
                             double oracleAuc) {

    /** The figures of the table (ratings as values) against the truth it was generated from. */
    public static SyntheticStats of(InteractionTable table, SyntheticTruth truth) {
        int[] counts = table.itemCounts();
        int warm = 0;
        int cold = 0;
        long warmSum = 0;
        long coldSum = 0;
        int coldMax = 0;
        int coldNone = 0;
        int[] warmCounts = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            if (truth.isCold(i)) {
                cold++;
                coldSum += counts[i];
                coldMax = Math.max(coldMax, counts[i]);
                coldNone += counts[i] == 0 ? 1 : 0;
            } else {
                warmCounts[warm++] = counts[i];
                warmSum += counts[i];
            }
        }
        warmCounts = Arrays.copyOf(warmCounts, warm);
        Arrays.sort(warmCounts);
        int n = table.size();
        double[] p = new double[n];
        boolean[] liked = new boolean[n];
        int likes = 0;
        double pSum = 0;
        for (int r = 0; r < n; r++) {
            p[r] = truth.probability(table.user(r), table.item(r));
            liked[r] = table.value(r) >= 4f;
            likes += liked[r] ? 1 : 0;
            pSum += p[r];
        }
        return new SyntheticStats(n, warm, cold,
                warm == 0 ? Double.NaN : (double) warmSum / warm,
                warm == 0 ? 0 : warmCounts[0], warm == 0 ? 0 : warmCounts[warm / 2],
                warm == 0 ? 0 : warmCounts[warm - 1],
                cold == 0 ? Double.NaN : (double) coldSum / cold, coldMax, coldNone,
                n == 0 ? Double.NaN : (double) likes / n, n == 0 ? Double.NaN : pSum / n,
                auc(p, liked));
    }

    /**
     * Area under the ROC curve: the probability that a random positive scores above a random
     * negative, ties counting one half (Mann–Whitney U / (P·N)). NaN when a class is empty.
     */
    public static double auc(double[] scores, boolean[] positive) {
        if (scores.length != positive.length) {
            throw new IllegalArgumentException("scores length " + scores.length + " != labels length " + positive.length);
        }
        int np = 0;
        for (boolean b : positive) {
            np += b ? 1 : 0;
        }
        int nn = scores.length - np;
        if (np == 0 || nn == 0) {
            return Double.NaN;
        }
        double[] pos = new double[np];
        double[] neg = new double[nn];
        int a = 0;
        int b = 0;
        for (int r = 0; r < scores.length; r++) {
            if (positive[r]) {
                pos[a++] = scores[r];
            } else {
                neg[b++] = scores[r];
            }
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        double wins = 0;
        int below = 0;
        for (int i = 0; i < np; ) {
            double s = pos[i];
            int j = i;
            while (j < np && pos[j] == s) {
                j++;
            }
            while (below < nn && neg[below] < s) {
                below++;
            }
            int equal = 0;
            while (below + equal < nn && neg[below + equal] == s) {
                equal++;
            }
            wins += (j - i) * (below + 0.5 * equal);
            i = j;
        }
        return wins / ((double) np * nn);
    }
}
