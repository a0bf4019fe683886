package org.tandemrec.data.synthetic;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.IdMap;
import org.tandemrec.data.InteractionTable;

/**
 * The generator's truth as a scorer over another index space (a split's, matched by raw id):
 * the ceiling every model is compared with. Two truths, one per kind of task:
 * <ul>
 *   <li>{@link #likeProbabilities}: p(u,i), the probability that the user likes the item — the
 *       oracle of CTR (rating ≥ 4 given an interaction);</li>
 *   <li>{@link #exposureProbabilities}: the probability that the user's next interaction is the
 *       item, given the item before it — the oracle of top-K recommendation and of interaction
 *       prediction, which ask which items a user meets.</li>
 * </ul>
 * Not thread-safe (it keeps the last user's exposure distribution, as pairs come grouped by user).
 */
public final class SyntheticOracle {
    private final SyntheticTruth truth;
    private final int[] userMap;
    private final int[] itemMap;
    private int cachedUser = -1;
    private int cachedPrevious = -2;
    private double[] cached;

    private SyntheticOracle(SyntheticTruth truth, int[] userMap, int[] itemMap) {
        this.truth = truth;
        this.userMap = userMap;
        this.itemMap = itemMap;
    }

    /** An oracle over the index space of {@code users} and {@code items}, whose raw ids the truth must know. */
    public static SyntheticOracle of(SyntheticTruth truth, IdMap users, IdMap items) {
        return new SyntheticOracle(truth, remap(users.rawIds(), truth.numUsers(), truth::userRawId, "user"),
                remap(items.rawIds(), truth.numItems(), truth::itemRawId, "item"));
    }

    /** p(u,i) of each pair. */
    public float[] likeProbabilities(int[] users, int[] items) {
        checkLengths(users, items);
        float[] p = new float[users.length];
        for (int r = 0; r < p.length; r++) {
            p[r] = (float) truth.probability(userMap[users[r]], itemMap[items[r]]);
        }
        return p;
    }

    /**
     * P(next interaction = item | user, the user's previous item) of each pair, with {@code
     * previousItem[user]} the item before the one asked about (-1: none), all in this oracle's
     * index space.
     */
    public float[] exposureProbabilities(int[] users, int[] items, int[] previousItem) {
        checkLengths(users, items);
        float[] p = new float[users.length];
        for (int r = 0; r < p.length; r++) {
            int u = users[r];
            int prev = previousItem[u] < 0 ? -1 : itemMap[previousItem[u]];
            if (u != cachedUser || prev != cachedPrevious) {
                cached = truth.exposureProbabilities(userMap[u], prev);
                cachedUser = u;
                cachedPrevious = prev;
            }
            p[r] = (float) cached[itemMap[items[r]]];
        }
        return p;
    }

    /**
     * Each user's latest item in {@code tables} (by timestamp; of equal timestamps the later
     * table and row), -1 for a user with none: the item before the next one.
     */
    public static int[] lastItems(int numUsers, InteractionTable... tables) {
        int[] last = new int[numUsers];
        long[] time = new long[numUsers];
        Arrays.fill(last, -1);
        Arrays.fill(time, Long.MIN_VALUE);
        for (InteractionTable t : tables) {
            for (int r = 0; r < t.size(); r++) {
                int u = t.user(r);
                if (t.timestamp(r) >= time[u]) {
                    time[u] = t.timestamp(r);
                    last[u] = t.item(r);
                }
            }
        }
        return last;
    }

    private static void checkLengths(int[] users, int[] items) {
        if (users.length != items.length) {
            throw new IllegalArgumentException("users length " + users.length + " != items length " + items.length);
        }
    }

    private static int[] remap(List<String> raw, int truthSize, java.util.function.IntFunction<String> truthRaw,
                               String kind) {
        Map<String, Integer> byRaw = new HashMap<>();
        for (int i = 0; i < truthSize; i++) {
            byRaw.put(truthRaw.apply(i), i);
        }
        int[] map = new int[raw.size()];
        for (int i = 0; i < map.length; i++) {
            Integer t = byRaw.get(raw.get(i));
            if (t == null) {
                throw new UsageException(kind + " " + raw.get(i) + " is not in the synthetic world's truth");
            }
            map[i] = t;
        }
        return map;
    }
}
