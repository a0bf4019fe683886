package org.tandemrec.collab.bdlm;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.split.NegativeDraw;

/**
 * Draws BDLM's fine-tuning examples from users' training sequences: a seeded sample of
 * positions (user u, step t ≥ 1 of u's items in time order, uniform over all such positions, so
 * active users contribute more as they do in the data), each asking about the item at t after
 * the items before it. A position becomes either a top-K example (the item among negatives from
 * the split's top-K sampler) or two interaction examples (the item, answer Yes; a negative from
 * the interaction sampler, answer No).
 */
public final class BdlmExampleSampler {
    private final int[][] sequences;
    private final NegativeDraw topKNegatives;
    private final NegativeDraw interactionNegatives;
    private final int negativesPerList;

    /**
     * @param sequences            each user's training items in time order
     * @param topKNegatives        draws a top-K list's negatives (items the user does not know)
     * @param interactionNegatives draws an interaction example's negative
     * @param negativesPerList     negatives of a top-K list (BDLM: 19)
     */
    public BdlmExampleSampler(int[][] sequences, NegativeDraw topKNegatives, NegativeDraw interactionNegatives,
                              int negativesPerList) {
        if (negativesPerList < 1) {
            throw new UsageException("negativesPerList must be >= 1, got " + negativesPerList);
        }
        this.sequences = sequences;
        this.topKNegatives = topKNegatives;
        this.interactionNegatives = interactionNegatives;
        this.negativesPerList = negativesPerList;
    }

    /**
     * {@code positions} positions, a share {@code topKShare} of them as top-K examples; the rest
     * give an interaction pair each. Fewer positions than asked when the data has fewer.
     */
    public List<BdlmExample> sample(int positions, double topKShare, long seed) {
        if (positions <= 0) {
            throw new UsageException("positions must be > 0, got " + positions);
        }
        if (!(topKShare >= 0 && topKShare <= 1)) {
            throw new UsageException("topKShare must be in [0, 1], got " + topKShare);
        }
        long total = 0;
        for (int[] s : sequences) {
            total += Math.max(0, s.length - 1);
        }
        if (total == 0) {
            throw new UsageException("no user has two training interactions: nothing to fine-tune on");
        }
        int n = (int) Math.min(positions, total);
        long[] chosen = chooseDistinct(total, n, new SplittableRandom(seed));
        SplittableRandom draws = new SplittableRandom(seed ^ 0x5851F42D4C957F2DL);
        List<BdlmExample> out = new ArrayList<>();
        int user = 0;
        long before = 0;
        for (long flat : chosen) {
            while (flat >= before + Math.max(0, sequences[user].length - 1)) {
                before += Math.max(0, sequences[user].length - 1);
                user++;
            }
            int t = (int) (flat - before) + 1;
            int item = sequences[user][t];
            if (draws.nextDouble() < topKShare) {
                int[] neg = topKNegatives.draw(user, item, negativesPerList, draws);
                int[] candidates = new int[neg.length + 1];
                candidates[0] = item;
                System.arraycopy(neg, 0, candidates, 1, neg.length);
                out.add(new BdlmExample(BdlmExample.Task.TOPK, user, t, item, true, candidates));
            } else {
                int negative = interactionNegatives.draw(user, item, 1, draws)[0];
                out.add(new BdlmExample(BdlmExample.Task.INTERACTION, user, t, item, true, new int[0]));
                out.add(new BdlmExample(BdlmExample.Task.INTERACTION, user, t, negative, false, new int[0]));
            }
        }
        return out;
    }

    /** {@code n} distinct values of [0, total) in increasing order (Floyd's algorithm, then sorted). */
    static long[] chooseDistinct(long total, int n, SplittableRandom r) {
        java.util.HashSet<Long> set = new java.util.HashSet<>();
        for (long j = total - n; j < total; j++) {
            long v = r.nextLong(j + 1);
            if (!set.add(v)) {
                set.add(j);
            }
        }
        long[] out = new long[n];
        int k = 0;
        for (long v : set) {
            out[k++] = v;
        }
        java.util.Arrays.sort(out);
        return out;
    }
}
