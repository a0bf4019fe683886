package org.tandemrec.eval;

import java.util.Objects;
import org.tandemrec.base.UsageException;

/**
 * Ranking metrics for lists with exactly one relevant item, from the ranks given by
 * {@link CandidateRanks} (1 = top).
 *
 * <ul>
 *   <li>HR@K: share of lists whose positive is within the top K;</li>
 *   <li>NDCG@K: mean of {@code 1 / log2(rank + 1)} if {@code rank <= K}, else 0 (with one relevant
 *       item the ideal DCG is 1);</li>
 *   <li>MRR: mean of {@code 1 / rank} over the full list (no cut-off).</li>
 * </ul>
 * All are refused for an empty rank array, K &lt; 1 or a rank &lt; 1.
 */
public final class TopKMetrics {
    private static final double LN2 = Math.log(2);

    private TopKMetrics() {
    }

    public static double hitRate(int[] ranks, int k) {
        check(ranks, k);
        long hits = 0;
        for (int r : ranks) {
            hits += r <= k ? 1 : 0;
        }
        return (double) hits / ranks.length;
    }

    public static double ndcg(int[] ranks, int k) {
        check(ranks, k);
        double sum = 0;
        for (int r : ranks) {
            if (r <= k) {
                sum += LN2 / Math.log(r + 1.0);
            }
        }
        return sum / ranks.length;
    }

    public static double mrr(int[] ranks) {
        check(ranks, 1);
        double sum = 0;
        for (int r : ranks) {
            sum += 1.0 / r;
        }
        return sum / ranks.length;
    }

    private static void check(int[] ranks, int k) {
        Objects.requireNonNull(ranks, "ranks");
        if (ranks.length == 0) {
            throw new IllegalArgumentException("no ranks: at least one candidate list is needed");
        }
        if (k < 1) {
            throw new UsageException("k must be >= 1, got " + k);
        }
        for (int i = 0; i < ranks.length; i++) {
            if (ranks[i] < 1) {
                throw new IllegalArgumentException("ranks[" + i + "] = " + ranks[i] + ", ranks start at 1");
            }
        }
    }
}
