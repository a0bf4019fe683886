package org.tandemrec.crm.ctr;

import java.util.Objects;
import org.tandemrec.data.InteractionTable;
import org.tandemrec.data.LabelRule;

/**
 * Labelled CTR examples: user, item, the user's history before the example (item ids, oldest
 * first, any length; the model keeps the last H) and a 0/1 label. Shapes: N examples.
 */
public record CtrExamples(int[] users, int[] items, int[][] histories, float[] labels) {
    public CtrExamples {
        Objects.requireNonNull(users, "users");
        Objects.requireNonNull(items, "items");
        Objects.requireNonNull(histories, "histories");
        Objects.requireNonNull(labels, "labels");
        if (items.length != users.length || histories.length != users.length || labels.length != users.length) {
            throw new IllegalArgumentException("users, items, histories and labels must have one entry per example, got "
                    + users.length + ", " + items.length + ", " + histories.length + ", " + labels.length);
        }
        for (int k = 0; k < labels.length; k++) {
            if (labels[k] != 0f && labels[k] != 1f) {
                throw new IllegalArgumentException("label at example " + k + " must be 0 or 1, got " + labels[k]);
            }
        }
    }

    /** The rows of {@code examples} labelled by {@code rule}, each with the user's earlier rows in the same table as history. */
    public static CtrExamples of(InteractionTable examples, LabelRule rule, int historyLength) {
        return of(new InteractionTable.Builder().build(examples.numUsers(), examples.numItems()), examples, rule,
                historyLength);
    }

    /**
     * The rows of {@code examples} labelled by {@code rule}; a row's history is the user's last
     * {@code historyLength} items among the rows of {@code earlier} (e.g. the training split
     * when building test examples) and the earlier rows of {@code examples}, by timestamp.
     */
    public static CtrExamples of(InteractionTable earlier, InteractionTable examples, LabelRule rule, int historyLength) {
        if (earlier.numUsers() != examples.numUsers() || earlier.numItems() != examples.numItems()) {
            throw new IllegalArgumentException("history table is " + earlier.numUsers() + " users x " + earlier.numItems()
                    + " items, examples " + examples.numUsers() + " x " + examples.numItems());
        }
        InteractionTable.Builder b = new InteractionTable.Builder(earlier.size() + examples.size());
        for (InteractionTable t : new InteractionTable[] {earlier, examples}) {
            for (int r = 0; r < t.size(); r++) {
                b.add(t.user(r), t.item(r), t.value(r), t.timestamp(r));
            }
        }
        int[][] all = CtrFeatures.historiesBefore(b.build(examples.numUsers(), examples.numItems()), historyLength);
        int n = examples.size();
        int[][] hist = java.util.Arrays.copyOfRange(all, earlier.size(), earlier.size() + n);
        float[] labels = new float[n];
        for (int r = 0; r < n; r++) {
            labels[r] = rule.label(examples.value(r));
        }
        return new CtrExamples(examples.userColumn(), examples.itemColumn(), hist, labels);
    }

    public int size() {
        return users.length;
    }
}
