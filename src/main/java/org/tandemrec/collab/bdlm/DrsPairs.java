package org.tandemrec.collab.bdlm;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.tandemrec.crm.RowMajor;

/**
 * Labelled (user, item) pairs with the history each pair's prompt shows: what the
 * feature-enhanced CRM trains on once the LLM has given each pair its feature. Pairs of one
 * user and position share one history array, so their prompts share a prefix.
 */
public record DrsPairs(int[] users, int[] items, float[] labels, int[][] histories) {
    public DrsPairs {
        int n = users.length;
        if (items.length != n || labels.length != n || histories.length != n) {
            throw new IllegalArgumentException("users, items, labels and histories differ in length");
        }
    }

    public int size() {
        return users.length;
    }

    /** The interaction examples among {@code examples} (a Yes and its No share their history). */
    public static DrsPairs of(List<BdlmExample> examples, int[][] trainSequences) {
        List<BdlmExample> pairs = new ArrayList<>();
        for (BdlmExample e : examples) {
            if (e.task() == BdlmExample.Task.INTERACTION) {
                pairs.add(e);
            }
        }
        int n = pairs.size();
        int[] users = new int[n];
        int[] items = new int[n];
        float[] labels = new float[n];
        int[][] histories = new int[n][];
        for (int k = 0; k < n; k++) {
            BdlmExample e = pairs.get(k);
            users[k] = e.user();
            items[k] = e.target();
            labels[k] = e.positive() ? 1 : 0;
            boolean sameAsBefore = k > 0 && pairs.get(k - 1).user() == e.user() && pairs.get(k - 1).position() == e.position();
            histories[k] = sameAsBefore ? histories[k - 1] : Arrays.copyOf(trainSequences[e.user()], e.position());
        }
        return new DrsPairs(users, items, labels, histories);
    }

    /** The pairs with the LLM's features [N][H] attached. */
    public DrsExamples withFeatures(float[][] features) {
        if (features.length != size()) {
            throw new IllegalArgumentException(features.length + " features for " + size() + " pairs");
        }
        int h = features.length == 0 ? 1 : features[0].length;
        return new DrsExamples(users, items, labels, RowMajor.table(features, h), h);
    }
}
