package org.tandemrec.crm;

import java.util.Objects;

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

    public int size() {
        return users.length;
    }
}
