package org.tandemrec.collab.corella;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.tandemrec.base.UsageException;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.split.SplitData;

/**
 * CoReLLa's click examples (arXiv 2403.16378 §4.1, ReLLa's pipeline): the rows of one part of a
 * time split, each with its 0/1 label and the user's last N earlier rated items (any label, by
 * timestamp, ties in row order; earlier parts count, so a test row's history holds the user's
 * validation rows) with their ratings (NaN where the split kept none). Rows whose user has fewer
 * than {@code minHistory} earlier ratings are dropped.
 */
public record ClickExamples(int[] users, int[] items, int[][] histories, float[][] ratings, float[] labels) {
    public ClickExamples {
        int n = users.length;
        if (items.length != n || histories.length != n || ratings.length != n || labels.length != n) {
            throw new IllegalArgumentException("users, items, histories, ratings and labels differ in length");
        }
    }

    /** The three parts of a split. */
    public record Parts(ClickExamples train, ClickExamples valid, ClickExamples test) {
    }

    /** The training, validation and test rows of {@code split}'s CTR task. */
    public static Parts of(SplitData split, int historyItems, int minHistory) {
        if (historyItems <= 0) {
            throw new UsageException("history_items must be > 0, got " + historyItems);
        }
        if (minHistory < 0) {
            throw new UsageException("min_history must be >= 0, got " + minHistory);
        }
        InteractionTable[] parts = {split.train(), split.ctrValid(), split.ctrTest()};
        InteractionTable all = every(split);
        Map<Long, Float> rating = ratings(split.ratings());
        int n = all.size();
        int[][] hist = new int[n][];
        float[][] rates = new float[n][];
        int[] earlier = new int[n];
        int[][] ring = new int[all.numUsers()][];
        int[] count = new int[all.numUsers()];
        for (int row : all.timeOrder()) {
            int u = all.user(row);
            if (ring[u] == null) {
                ring[u] = new int[historyItems];
            }
            int k = Math.min(count[u], historyItems);
            hist[row] = new int[k];
            rates[row] = new float[k];
            for (int j = 0; j < k; j++) {
                int item = ring[u][(count[u] - k + j) % historyItems];
                hist[row][j] = item;
                rates[row][j] = rating.getOrDefault(key(u, item, all.numItems()), Float.NaN);
            }
            earlier[row] = count[u];
            ring[u][count[u] % historyItems] = all.item(row);
            count[u]++;
        }
        ClickExamples every = new ClickExamples(all.userColumn(), all.itemColumn(), hist, rates, all.valueColumn());
        ClickExamples[] out = new ClickExamples[3];
        int from = 0;
        for (int p = 0; p < 3; p++) {
            int to = from + parts[p].size();
            out[p] = every.select(java.util.stream.IntStream.range(from, to).filter(r -> earlier[r] >= minHistory).toArray());
            from = to;
        }
        return new Parts(out[0], out[1], out[2]);
    }

    /** Each user's history after every row of the split: what a request made now follows. */
    public record Latest(int[][] items, float[][] ratings) {
    }

    /**
     * Each user's last {@code historyItems} rated items after all of the split's rows (training,
     * validation and test, by timestamp, ties in row order) with their ratings: the history a
     * served request shows, as a test row's history holds the rows before it.
     */
    public static Latest latest(SplitData split, int historyItems) {
        InteractionTable all = every(split);
        int[][] items = all.latestItemsByUser(historyItems);
        Map<Long, Float> rating = ratings(split.ratings());
        float[][] rates = new float[items.length][];
        for (int u = 0; u < items.length; u++) {
            rates[u] = new float[items[u].length];
            for (int j = 0; j < items[u].length; j++) {
                rates[u][j] = rating.getOrDefault(key(u, items[u][j], all.numItems()), Float.NaN);
            }
        }
        return new Latest(items, rates);
    }

    /** The training, CTR validation and CTR test rows in one table, in that order. */
    private static InteractionTable every(SplitData split) {
        InteractionTable.Builder b = new InteractionTable.Builder();
        for (InteractionTable t : new InteractionTable[] {split.train(), split.ctrValid(), split.ctrTest()}) {
            for (int r = 0; r < t.size(); r++) {
                b.add(t.user(r), t.item(r), t.value(r), t.timestamp(r));
            }
        }
        return b.build(split.numUsers(), split.numItems());
    }

    /** A user's rating of an item (the latest when rated twice). */
    private static Map<Long, Float> ratings(InteractionTable t) {
        Map<Long, Float> m = new HashMap<>(t.size() * 2);
        for (int row : t.size() == 0 ? new int[0] : t.timeOrder()) {
            m.put(key(t.user(row), t.item(row), t.numItems()), t.value(row));
        }
        return m;
    }

    private static long key(int user, int item, int items) {
        return (long) user * items + item;
    }

    public int size() {
        return users.length;
    }

    /** The examples at {@code rows}, in that order. */
    public ClickExamples select(int[] rows) {
        int n = rows.length;
        int[] us = new int[n];
        int[] is = new int[n];
        int[][] hs = new int[n][];
        float[][] rs = new float[n][];
        float[] ys = new float[n];
        for (int k = 0; k < n; k++) {
            us[k] = users[rows[k]];
            is[k] = items[rows[k]];
            hs[k] = histories[rows[k]];
            rs[k] = ratings[rows[k]];
            ys[k] = labels[rows[k]];
        }
        return new ClickExamples(us, is, hs, rs, ys);
    }

    /**
     * {@code n} rows drawn without replacement by {@code seed} (all rows, in order, when there are
     * no more than {@code n}), skipping {@code excluded} rows (a fresh sample for a later stage).
     */
    public int[] sample(int n, long seed, boolean[] excluded) {
        int[] pool = java.util.stream.IntStream.range(0, size()).filter(r -> excluded == null || !excluded[r]).toArray();
        if (pool.length <= n) {
            return pool;
        }
        SplittableRandom r = new SplittableRandom(seed);
        for (int i = 0; i < n; i++) {
            int j = i + r.nextInt(pool.length - i);
            int t = pool[i];
            pool[i] = pool[j];
            pool[j] = t;
        }
        int[] out = Arrays.copyOf(pool, n);
        Arrays.sort(out);
        return out;
    }
}
